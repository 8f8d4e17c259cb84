"""Response shapes for alerts and bundled timelines (API v1)."""

from __future__ import annotations

from rest_framework import serializers


class AlertSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    rule_id = serializers.CharField()
    rules_version = serializers.CharField()
    severity = serializers.ChoiceField(choices=["red", "orange", "yellow"])
    status = serializers.ChoiceField(choices=["new", "acknowledged", "handled"])
    victim_ref = serializers.UUIDField()
    perpetrator_ref = serializers.UUIDField(allow_null=True)
    region = serializers.CharField()
    raised_at = serializers.DateTimeField()
    acknowledge_by = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.CharField()
    handled_at = serializers.DateTimeField(allow_null=True)
    handled_by = serializers.CharField()
    outcome = serializers.CharField()
    escalated_at = serializers.DateTimeField(allow_null=True)


class AlertPageSerializer(serializers.Serializer):
    results = AlertSummarySerializer(many=True)


class EvidenceSerializer(serializers.Serializer):
    signal_id = serializers.UUIDField()
    occurred = serializers.DateField()
    organisation = serializers.CharField(source="organisation.code")
    organisation_kind = serializers.CharField(source="organisation.kind")
    behaviours = serializers.ListField(child=serializers.CharField())
    own = serializers.BooleanField(help_text="Recorded by your organisation.")


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="event.at")
    actor = serializers.CharField(source="event.actor")
    action = serializers.CharField(source="event.action")
    detail = serializers.CharField(source="event.detail")
    note = serializers.CharField()


class RuleSerializer(serializers.Serializer):
    title = serializers.CharField()
    explanation = serializers.CharField()
    recommended_step = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())


class AlertDetailSerializer(serializers.Serializer):
    alert = AlertSummarySerializer()
    rule = RuleSerializer()
    evidence = EvidenceSerializer(many=True)
    events = EventSerializer(many=True)


class HandleSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="One of the outcomes in the rules file.")
    note = serializers.CharField(help_text="What was decided and why (required).")


class TimelineItemSerializer(serializers.Serializer):
    signal_id = serializers.UUIDField()
    occurred = serializers.DateField()
    organisation_id = serializers.IntegerField()
    behaviours = serializers.ListField(child=serializers.CharField())
    severity = serializers.IntegerField()
    relationship = serializers.CharField()
    has_child = serializers.BooleanField()
    own = serializers.BooleanField()


class HolderSerializer(serializers.Serializer):
    organisation = serializers.SerializerMethodField()
    organisation_kind = serializers.CharField(source="organisation.kind")
    signals = serializers.IntegerField()
    first = serializers.DateField(allow_null=True)
    latest = serializers.DateField(allow_null=True)
    content_visible = serializers.BooleanField()
    open_alerts = serializers.IntegerField()

    def get_organisation(self, holder) -> str | None:
        """The organisation's code when you may see its content, else only its kind."""
        return holder.organisation.code if holder.content_visible else None


class TimelineSerializer(serializers.Serializer):
    victim_ref = serializers.UUIDField()
    perpetrator_ref = serializers.UUIDField(allow_null=True)
    full_view = serializers.BooleanField()
    items = TimelineItemSerializer(many=True)
    holders = HolderSerializer(many=True)
    alerts = AlertSummarySerializer(many=True)
