"""API shapes for casusregie. Free text arrives and leaves decrypted; it is encrypted at rest."""

from __future__ import annotations

from rest_framework import serializers

from patroon.cases import attention


class CaseOpenSerializer(serializers.Serializer):
    alert = serializers.UUIDField(required=False, help_text="Open from an alert routed to you.")
    assessment = serializers.UUIDField(required=False, help_text="Open from your assessment.")
    victim_ref = serializers.UUIDField(required=False, help_text="Open by hand for this person.")
    director = serializers.IntegerField(required=False, help_text="User id of the director.")


class MemberInSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    task = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")


class DirectorInSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StatusInSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["active", "aftercare", "closed"])
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ActionInSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    owner_organisation = serializers.IntegerField(required=False)
    owner = serializers.IntegerField(required=False)
    due_at = serializers.DateTimeField(required=False)
    goal = serializers.IntegerField(required=False)
    alert = serializers.UUIDField(required=False, help_text="Create from this alert's step.")
    assessment = serializers.UUIDField(
        required=False, help_text="Create the open protocol actions of this assessment."
    )


class ActionStatusInSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["done", "cancelled"])


class MeasureInSerializer(serializers.Serializer):
    kind = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    responsible_organisation = serializers.IntegerField()
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConferenceInSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    agenda = serializers.CharField()


class DecisionInSerializer(serializers.Serializer):
    text = serializers.CharField()
    owner_organisation_id = serializers.IntegerField(required=False)
    owner_id = serializers.IntegerField(required=False)
    due_at = serializers.DateTimeField(required=False)


class ConferenceRecordSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    present = serializers.ListField(child=serializers.CharField(), default=list)
    decisions = DecisionInSerializer(many=True, required=False, default=list)


class ChildInSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=40)
    age_group = serializers.ChoiceField(choices=["", "0-3", "4-11", "12-17"], default="")
    person_ref = serializers.UUIDField(required=False, allow_null=True, default=None)
    safety = serializers.CharField(required=False, allow_blank=True, default="")
    school_custody = serializers.CharField(required=False, allow_blank=True, default="")
    access_arrangement_risk = serializers.ChoiceField(
        choices=["yes", "no", "unknown"], default="unknown"
    )


class DossierInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=150)
    format = serializers.ChoiceField(choices=["pdf", "json"], default="json")


class AttentionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(attention.ORDER))
    due = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="case.pk")
    number = serializers.CharField(source="case.number")
    status = serializers.CharField(source="case.status")
    victim_ref = serializers.UUIDField(source="case.victim_ref", allow_null=True)
    opened_at = serializers.DateTimeField(source="case.opened_at")
    level = serializers.CharField()
    director = serializers.BooleanField(help_text="Whether you direct this case.")
    attention = AttentionSerializer(many=True)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    organisation = serializers.CharField(source="organisation.code")
    task = serializers.CharField()
    added_at = serializers.DateTimeField()
    removed_at = serializers.DateTimeField(allow_null=True)


class TextRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner_organisation = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    due_at = serializers.DateTimeField()
    status = serializers.CharField()
    origin = serializers.CharField()


class MeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    legal_basis = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    responsible_organisation = serializers.CharField()
    status = serializers.CharField()
    breaches = serializers.IntegerField()


class ConferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    held_at = serializers.DateTimeField(allow_null=True)
    agenda = serializers.CharField()
    attendance = serializers.JSONField()
    risk_picture = serializers.JSONField()
    decisions = serializers.ListField(child=serializers.CharField())


class CaseDetailSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    victim_ref = serializers.UUIDField(allow_null=True)
    perpetrator_ref = serializers.UUIDField(allow_null=True)
    director = serializers.CharField(allow_null=True)
    contact_person = serializers.CharField(allow_null=True)
    combined_handling = serializers.BooleanField()
    level = serializers.CharField()
    members = MemberSerializer(many=True)
    goals = TextRowSerializer(many=True)
    actions = ActionSerializer(many=True)
    measures = MeasureSerializer(many=True)
    conferences = ConferenceSerializer(many=True)
    attention = AttentionSerializer(many=True)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    message = serializers.CharField()
    case = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
