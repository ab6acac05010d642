from django.urls import path

from tandem.problems.views import agenda, escalations, polls, priorities, problems

app_name = "problems"

urlpatterns = [
    # Problems (views/problems.py)
    path("problems/", problems.problem_list, name="problem-list"),
    path("problems/map/", problems.problem_map, name="problem-map"),
    path("problems/new/", problems.problem_create, name="problem-create"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", problems.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/status/", problems.problem_status, name="problem-status"),
    path("problems/<int:pk>/notes/new/", problems.note_create, name="note-create"),
    path("problems/<int:pk>/raised-again/", problems.problem_raise, name="problem-raise"),
    path("problems/<int:pk>/merge/", problems.problem_merge, name="problem-merge"),
    # A problem on a meeting's agenda (views/agenda.py)
    path("problems/<int:pk>/agenda/", agenda.problem_agenda_add, name="problem-agenda-add"),
    # Priorities (views/priorities.py)
    path("groups/<slug:slug>/priorities/", priorities.group_priorities, name="group-priorities"),
    path("groups/<slug:slug>/priorities/new/", priorities.priority_create, name="priority-create"),
    path(
        "groups/<slug:slug>/priorities/carry-over/",
        priorities.priorities_carry_over,
        name="priorities-carry-over",
    ),
    path("groups/<slug:slug>/priority-board/", priorities.priority_board, name="priority-board"),
    path("priorities/<int:pk>/remove/", priorities.priority_remove, name="priority-remove"),
    # Public votes on candidate priorities (views/polls.py)
    path("groups/<slug:slug>/polls/new/", polls.poll_create, name="poll-create"),
    path("polls/<int:pk>/", polls.poll_detail, name="poll-detail"),
    path("polls/<int:pk>/close/", polls.poll_close, name="poll-close"),
    # Escalation (views/escalations.py)
    path("problems/<int:pk>/escalate/", escalations.escalation_create, name="escalation-create"),
    path("groups/<slug:slug>/escalations/", escalations.group_escalations, name="group-escalations"),
    path("escalations/<int:pk>/decide/", escalations.escalation_decide, name="escalation-decide"),
]
