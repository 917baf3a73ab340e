"""Names of the reasons a candidate value is not counted, as detect-secrets names its filters:
stable strings that `dlp scan --explain` prints beside each dropped candidate (and the JSON
output carries), so that an officer asking "why was this number not counted?" gets an answer a
rule author can search for.

    validator:<name>            the rule's validator said no (validator:luhn, validator:my_number)
    allow_list:rule             on the rule's own allow list (a rule file's ``allow``)
    allow_list:value            on the deciding policy's allow list (policy.yaml ``allow.values``)
    allow_list:domain           a mail address in one of the policy's ``allow.domains``
    context:exclude_word        an exclusion word nearer than any context word (見本, テスト …)
    context:missing             a pattern that needs a context word found none
    dedup:overlap               another candidate of the type over the same text was surer
    business_contact:<where>    an organisation's own contact data (block, store, table), counted
                                as BUSINESS_CONTACT instead of its own type

Records are built only with --explain: the engine checks ``explain`` before making one, so an
ordinary scan pays one boolean test per dropped candidate.
"""

from __future__ import annotations

RULE_ALLOW_LIST = "allow_list:rule"
ALLOW_LIST_VALUE = "allow_list:value"
ALLOW_LIST_DOMAIN = "allow_list:domain"
EXCLUDE_WORD = "context:exclude_word"
NO_CONTEXT = "context:missing"
OVERLAP = "dedup:overlap"
MAX_DROPPED = 200  # per item: enough to explain, bounded on a huge export


def validator(name: str | None) -> str:
    return f"validator:{name or 'unnamed'}"


def business_contact(where: str | None) -> str:
    return f"business_contact:{where or 'block'}"
