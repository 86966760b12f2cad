"""HTML rendering of forms: server-side, working without JavaScript, accessible.

The web screens call these and place the result in their pages:

- :func:`render_step`: the visible fields of one step, values shown back, errors beside
  the fields, prefilled answers marked;
- :func:`render_error_summary` and :func:`page_title`: the error pattern (a summary at
  the top linking to each field, the title prefixed with 「エラー：」);
- :func:`render_progress`: the step indicator;
- :func:`render_summary`: the "check your answers" page;
- :func:`parse_form_post` and :func:`apply_row_action`: a posted form back to the payload,
  and the add/remove buttons of repeating groups and attachments;
- :func:`field_html_id` and :func:`field_input_name`: the id and POST name of an answer
  (the naming scheme is described in :mod:`forms.render.names`);
- :func:`visible_steps`: the steps shown for the answers so far (next / back);
- :func:`step_view` and :func:`template_loader`: for a page that lays fields out itself
  with the macros of ``forms/fields.html``.

Pages should give their ``<form>`` the ``novalidate`` attribute (the server's messages,
in the resident's language, are the ones to read) and
``enctype="multipart/form-data"`` when :func:`step_takes_files` says so.
"""

from forms.render.html import (
    environment,
    page_title,
    render_error_summary,
    render_progress,
    render_step,
    render_summary,
    template_loader,
)
from forms.render.model import FieldView
from forms.render.names import (
    ACTION,
    RowAction,
    error_anchor,
    field_html_id,
    field_input_name,
    parse_action,
)
from forms.render.post import MultiValueMapping, PostData, apply_row_action, parse_form_post
from forms.render.views import step_takes_files, step_view
from forms.render.visibility import visible_steps

__all__ = [
    "ACTION",
    "FieldView",
    "MultiValueMapping",
    "PostData",
    "RowAction",
    "apply_row_action",
    "environment",
    "error_anchor",
    "field_html_id",
    "field_input_name",
    "page_title",
    "parse_action",
    "parse_form_post",
    "render_error_summary",
    "render_progress",
    "render_step",
    "render_summary",
    "step_takes_files",
    "step_view",
    "template_loader",
    "visible_steps",
]
