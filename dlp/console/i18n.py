"""The console's texts: Japanese first, English when the viewer asks (?lang=en, kept in a cookie)."""

from __future__ import annotations

from starlette.requests import Request

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("DLP コンソール", "DLP console"),
    "login": ("ログイン", "Sign in"),
    "logout": ("ログアウト", "Sign out"),
    "user": ("ユーザー名", "User name"),
    "password": ("パスワード", "Password"),
    "login_failed": ("ユーザー名またはパスワードが違います。", "Wrong user name or password."),
    "throttled": (
        "ログインの失敗が続いたため、しばらく待ってから再度お試しください。",
        "Too many failed sign-ins: wait a moment and try again.",
    ),
    "queue": ("保留一覧", "Review queue"),
    "filter": ("絞り込み", "Filter"),
    "state": ("状態", "State"),
    "channel": ("経路", "Channel"),
    "type": ("種別", "Type"),
    "sender": ("送信者", "Sender"),
    "domain": ("宛先ドメイン", "Recipient domain"),
    "age": ("経過", "Age"),
    "held_at": ("保留日時", "Held at"),
    "item": ("対象", "Item"),
    "found": ("検出", "Found"),
    "department": ("部署", "Department"),
    "none": ("該当する項目はありません。", "Nothing matches."),
    "verdict": ("判定", "Verdict"),
    "clause": ("条項", "Clause"),
    "reason": ("理由", "Reason"),
    "findings": ("検出内容（マスク済み）", "Findings (masked)"),
    "location": ("位置", "Location"),
    "headers": ("メールヘッダー", "Mail headers"),
    "attachments": ("添付ファイル", "Attachments"),
    "history": ("履歴", "History"),
    "release": ("送信を許可（解放）", "Release"),
    "reject": ("却下", "Reject"),
    "delete": ("削除", "Delete"),
    "export": ("エクスポート", "Export"),
    "note": ("メモ", "Note"),
    "add_note": ("メモを追加", "Add note"),
    "release_reason": ("解放の理由（必須）", "Reason for release (required)"),
    "reason_needed": ("理由を入力してください。", "Give a reason."),
    "done_release": ("解放しました。", "Released."),
    "done_reject": ("却下しました（内容は削除され、送信されません）。", "Rejected (content shredded, never sent)."),
    "done_delete": ("削除しました。", "Deleted."),
    "done_note": ("メモを記録しました。", "Note recorded."),
    "failed": ("操作できませんでした", "Could not do it"),
    "forbidden": ("この操作の権限がありません。", "You may not do this."),
    "not_found": ("見つかりません。", "Not found."),
    "raw_values": (
        "生の値は表示しません（マスク済みの値のみ）。",
        "Raw values are not shown (masked values only).",
    ),
    "raw_show": ("生の値を表示", "Show raw values"),
    "raw_reason": ("表示する理由（必須・監査記録されます）", "Why you need them (required, audited)"),
    "raw_title": ("検出内容（生の値）", "Findings (raw values)"),
    "raw_value": ("値", "Value"),
    "raw_notice": (
        "この画面限りの表示です。閲覧は理由とともに監査記録に残ります（値そのものは記録されません）。"
        "保存・転記しないでください。",
        "Shown in this response only. The view is audited with your reason (never the values). Do not"
        " save or copy them.",
    ),
    "approval": ("上長承認", "Approval"),
    "approve": ("承認して送信", "Approve and send"),
    "comment": ("コメント（任意）", "Comment (optional)"),
    "decided_approve": ("承認しました。メールを送信しました。", "Approved: the mail was sent."),
    "decided_reject": ("却下しました。メールは送信されません。", "Rejected: the mail will not be sent."),
    "link_expired": ("このリンクは有効期限が切れています。", "This link has expired."),
    "link_bad": ("このリンクは無効です。", "This link is not valid."),
    "link_used": ("このリンクは使用済みです。", "This link has already been used."),
    "link_cross-origin": ("このリンクは無効です。", "This link is not valid."),
    "link_decided": ("この項目はすでに処理されています。", "This item has already been decided."),
    "cancel_title": ("送信の取り消し（送信一時保留）", "Cancel sending (held mail)"),
    "cancel_button": ("このメールの送信を取り消す", "Cancel sending this mail"),
    "cancelled": ("取り消しました。このメールは送信されません。", "Cancelled: the mail will never be sent."),
    "throttled_title": ("ログイン制限中のアカウント", "Throttled sign-ins"),
    "failures": ("失敗回数（15分以内）", "Failures (last 15 min)"),
    "unlock": ("制限を解除", "Unlock"),
    "unlocked": ("制限を解除しました。", "Unlocked."),
    "override_title": ("理由を記入して今すぐ送信", "Send now, with a justification"),
    "override_hint": (
        "このメールには注意喚起（警告）の対象となる情報が含まれています。業務上必要な場合は理由を記入すると、"
        "保留を待たずに送信されます。理由は監査記録に残ります。",
        "This mail contains information the policy warns about. If your work needs it, give the reason and it"
        " is sent without waiting; the reason is kept in the audit trail.",
    ),
    "justification": ("送信が必要な理由（必須）", "Why it must be sent (required)"),
    "override_button": ("理由を記録して送信", "Record the reason and send"),
    "overridden": ("送信しました。理由は記録されました。", "Sent; your reason was recorded."),
    "justification_needed": ("理由を記入してください。", "Give a reason."),
    "english": ("English", "日本語"),
}


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get("dlp_lang")
    return "en" if asked == "en" else "ja"


def translator(lang: str) -> dict[str, str]:
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in TEXTS.items()}
