"""`dlp inventory`: where personal data sits across file servers (個人データの棚卸し).

One module per job: ``walk`` lists the tree, ``store`` is the SQLite inventory, ``task`` scans a
batch of files (locally or on a Dask worker), ``executors`` run batches with back-pressure,
``run`` ties them into an incremental, resumable run, ``rollup`` reads the inventory back per
folder subtree.
"""
