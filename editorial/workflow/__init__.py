"""The editorial workflow: one transition table and one function per action.

Every way in (admin forms and actions, management commands, tests) calls these
functions; nothing here hides in signals or `save()`. Each function checks the state
(`InvalidTransition`: not possible now) and the person (`PermissionDenied`: you may
not), writes in one transaction, appends to the audit trail and returns.

The rules, in short:

- Edits go into a change. A record belongs to at most one open change; another
  person's edit of it is refused until a managing editor takes it over.
- A change writes in one language: an English change edits the records, a change in
  another language holds only translations into it.
- Submitting freezes a revision: a snapshot of every page the change alters, built
  from its own edits and the published state of everything else.
- Reviewers approve that exact revision (by its content hash). Nobody approves a
  change they edited. Any edit after submission sends the change back to draft.
- Publishing needs the active policy's approvals, from credentials current at
  publish time, and refuses a revision built on a publication that is no longer
  current, so it never rolls back anyone else's published edits.
- Duties are separated: credential administrators set credentials and neither review
  nor publish; whoever approved a revision does not publish it; a superuser as such
  is no reviewer, managing editor or credential administrator.

The package, by concern; each module imports only those before it:

    transitions  states, actions, actors, TRANSITIONS, who may act, the exceptions
    editing      record_edit, holding, take-over, change_for_edit (→ transitions)
    review       submit/freeze, approve, request changes, claims, comments, the policy
                 (→ transitions, editing)
    publishing   publish, import, schedule, publish_due, unpublish, withdraw, revert,
                 dates, the public record (→ transitions, editing, review)
    credentials  credential_set and its refusals (→ transitions)

Call the functions as `workflow.<name>`; this module offers them all. To replace a
function for a test, patch it in the module that calls it (say,
`editorial.workflow.publishing._check_current`).
"""

from ..languages import language_name, source_language, translation_languages
from ..models import display_name
from .credentials import credential_refusal, credential_set
from .editing import (
    change_for_edit,
    change_rename,
    holding_record,
    may_rename,
    owned_keys,
    pages_altered,
    record_check_editable,
    record_edit,
    record_key,
    record_language,
    record_take_over,
    translation_language_checked,
)
from .publishing import (
    CONFLICT_SQLSTATES,
    change_import_publish,
    change_unschedule,
    change_withdraw,
    dates_shown,
    overdue_pages,
    page_unpublish,
    public_view_at,
    publication_revert,
    publish_due,
    revision_publish,
    revision_schedule,
)
from .review import (
    MINIMUM_APPROVALS,
    RequirementProgress,
    change_claim_review,
    change_submit,
    comment_add,
    comment_resolve,
    may_claim,
    may_comment,
    page_sign_off_start,
    pages_to_open,
    policy_progress,
    policy_shortfall,
    revision_approve,
    revision_request_changes,
)
from .transitions import (
    PUBLISH_PERMISSION,
    PUBLISHING_ACTIONS,
    SET_CREDENTIAL_PERMISSION,
    TAKE_OVER_PERMISSION,
    TRANSITIONS,
    VIEW_DRAFT_PERMISSION,
    Action,
    Actor,
    AlreadyPublished,
    InvalidTransition,
    NoActivePolicy,
    PublishConflict,
    RecordHeld,
    State,
    active_policy,
    asks_reviewers_in,
    is_managing_editor,
    language_refusal,
    may_act,
    may_set_credentials,
    may_view_drafts,
    next_state,
    publisher_refusal,
    reviewer_refusal,
    submit_restarts_review,
)

__all__ = [
    "CONFLICT_SQLSTATES",
    "MINIMUM_APPROVALS",
    "PUBLISHING_ACTIONS",
    "PUBLISH_PERMISSION",
    "SET_CREDENTIAL_PERMISSION",
    "TAKE_OVER_PERMISSION",
    "TRANSITIONS",
    "VIEW_DRAFT_PERMISSION",
    "Action",
    "Actor",
    "AlreadyPublished",
    "InvalidTransition",
    "NoActivePolicy",
    "PublishConflict",
    "RecordHeld",
    "RequirementProgress",
    "State",
    "active_policy",
    "asks_reviewers_in",
    "change_claim_review",
    "change_for_edit",
    "change_import_publish",
    "change_rename",
    "change_submit",
    "change_unschedule",
    "change_withdraw",
    "comment_add",
    "comment_resolve",
    "credential_refusal",
    "credential_set",
    "dates_shown",
    "display_name",
    "holding_record",
    "is_managing_editor",
    "language_name",
    "language_refusal",
    "may_act",
    "may_claim",
    "may_comment",
    "may_rename",
    "may_set_credentials",
    "may_view_drafts",
    "next_state",
    "overdue_pages",
    "owned_keys",
    "page_sign_off_start",
    "page_unpublish",
    "pages_altered",
    "pages_to_open",
    "policy_progress",
    "policy_shortfall",
    "public_view_at",
    "publication_revert",
    "publish_due",
    "publisher_refusal",
    "record_check_editable",
    "record_edit",
    "record_key",
    "record_language",
    "record_take_over",
    "reviewer_refusal",
    "revision_approve",
    "revision_publish",
    "revision_request_changes",
    "revision_schedule",
    "source_language",
    "submit_restarts_review",
    "translation_language_checked",
    "translation_languages",
]
