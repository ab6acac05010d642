from django.urls import path

from tandem.actionplans.views import actions, annual, arising, digest, exports, funds, imports, reviews

app_name = "actionplans"

urlpatterns = [
    # A group's action plan (views/actions.py)
    path("groups/<slug:slug>/actions/", actions.group_actions, name="group-actions"),
    path(
        "groups/<slug:slug>/actions/timeline/", actions.group_actions_timeline, name="group-actions-timeline"
    ),
    path("groups/<slug:slug>/actions/new/", actions.action_create, name="action-create"),
    path("partnership/<slug:slug>/actions/", actions.partnership_actions, name="partnership-actions"),
    path(
        "partnership/<slug:slug>/actions/new/",
        actions.partnership_action_create,
        name="partnership-action-create",
    ),
    path("actions/<int:pk>/", actions.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action-edit"),
    path("actions/<int:pk>/updates/new/", actions.update_create, name="update-create"),
    path("actions/<int:pk>/evaluate/", actions.action_evaluate, name="action-evaluate"),
    # Exports in the seed's column order (views/exports.py)
    path(
        "groups/<slug:slug>/actions/action-plan.xlsx", exports.group_actions_xlsx, name="group-actions-xlsx"
    ),
    path(
        "groups/<slug:slug>/actions/action-plan.docx", exports.group_actions_docx, name="group-actions-docx"
    ),
    path("groups/<slug:slug>/actions/action-plan.csv", exports.group_actions_csv, name="group-actions-csv"),
    # Importing an existing plan (views/imports.py)
    path("groups/<slug:slug>/actions/import/", imports.import_upload, name="import-upload"),
    path("action-imports/<int:pk>/", imports.import_preview, name="import-preview"),
    # Actions arising from minutes (views/arising.py)
    path("actions-arising/<int:pk>/add-to-plan/", arising.arising_adopt, name="arising-adopt"),
    # The lead's one-click progress link from the weekly digest (views/digest.py)
    path("actions/<int:pk>/progress/<str:token>/", digest.progress_by_link, name="progress-by-link"),
    # The annual Community Safety Action Plan (views/annual.py)
    path("partnership/<slug:slug>/annual-plans/", annual.plan_list, name="plan-list"),
    path("partnership/<slug:slug>/annual-plans/new/", annual.plan_create, name="plan-create"),
    path("annual-plans/<int:pk>/", annual.plan_detail, name="plan-detail"),
    path("annual-plans/<int:pk>/edit/", annual.plan_edit, name="plan-edit"),
    path("annual-plans/<int:pk>/approve/", annual.plan_approve, name="plan-approve"),
    # Quarterly reviews (views/reviews.py)
    path("annual-plans/<int:pk>/reviews/new/", reviews.review_create, name="review-create"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review-detail"),
    path("reviews/<int:pk>/edit/", reviews.review_edit, name="review-edit"),
    path("reviews/<int:pk>/report.pdf", reviews.review_pdf, name="review-pdf"),
    path("reviews/<int:pk>/report.docx", reviews.review_docx, name="review-docx"),
    path("reviews/<int:pk>/agenda/", reviews.review_agenda, name="review-agenda"),
    # Group funds (views/funds.py)
    path("groups/<slug:slug>/funds/", funds.group_funds, name="group-funds"),
    path("groups/<slug:slug>/funds/new/", funds.entry_create, name="entry-create"),
    path("groups/<slug:slug>/funds/statement.pdf", funds.statement_pdf, name="statement-pdf"),
    path("groups/<slug:slug>/funds/statement.xlsx", funds.statement_xlsx, name="statement-xlsx"),
    path("ledger-entries/<int:pk>/edit/", funds.entry_edit, name="entry-edit"),
    path("ledger-entries/<int:pk>/receipt/", funds.entry_receipt, name="entry-receipt"),
]
