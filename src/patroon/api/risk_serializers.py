"""Request and response shapes for risk assessment (API v1)."""

from __future__ import annotations

from django.utils.translation import get_language
from rest_framework import serializers

from patroon.risk.levels import ASSESSED_LEVELS, LEVELS

LEVEL_HELP = "A level on Patroon's scale: " + ", ".join(LEVELS) + "."


def level_field() -> serializers.CharField:
    """Output levels as documented strings: one enum (the override input) keeps the schema's
    enum names unambiguous."""
    return serializers.CharField(help_text=LEVEL_HELP)


def _language() -> str:
    return get_language() or "nl"


class ItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    section = serializers.CharField()
    text = serializers.SerializerMethodField()
    help = serializers.SerializerMethodField()
    answer_type = serializers.ChoiceField(choices=["yes_no", "colour", "scale"])
    choices = serializers.ListField(child=serializers.CharField())
    prefill_behaviours = serializers.SerializerMethodField()
    weight = serializers.FloatField()
    applies_when = serializers.SerializerMethodField()

    def get_text(self, item) -> str:
        return item.text(_language())

    def get_help(self, item) -> str:
        return item.help(_language()) if item.help else ""

    def get_prefill_behaviours(self, item) -> list[str]:
        return sorted(item.prefill.behaviours) if item.prefill else []

    def get_applies_when(self, item) -> dict | None:
        """Asked only when another item has this answer (e.g. the stalker is an ex-partner)."""
        return (
            {"item": item.applies_when[0], "answer": item.applies_when[1]}
            if item.applies_when
            else None
        )


class InstrumentSummarySerializer(serializers.Serializer):
    id = serializers.CharField()
    version = serializers.CharField()
    title = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    provenance = serializers.SerializerMethodField()
    weights_verified = serializers.BooleanField()
    sources = serializers.DictField(child=serializers.CharField())

    def get_title(self, instrument) -> str:
        return instrument.title(_language())

    def get_summary(self, instrument) -> str:
        return instrument.summary(_language())

    def get_provenance(self, instrument) -> str:
        return instrument.provenance(_language())


class InstrumentPageSerializer(serializers.Serializer):
    results = InstrumentSummarySerializer(many=True)


class InstrumentDetailSerializer(InstrumentSummarySerializer):
    items = ItemSerializer(many=True)


class AssessmentSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    instrument_id = serializers.CharField()
    instrument_version = serializers.CharField()
    victim_ref = serializers.UUIDField()
    perpetrator_ref = serializers.UUIDField(allow_null=True)
    status = serializers.ChoiceField(choices=["draft", "completed"])
    region = serializers.CharField()
    started_at = serializers.DateTimeField()
    started_by = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    total = serializers.FloatField(allow_null=True)
    outcome = serializers.CharField()
    decided_by = serializers.CharField()
    computed_level = level_field()
    final_level = level_field()
    reassess_due = serializers.DateTimeField(allow_null=True)
    overdue_flagged_at = serializers.DateTimeField(allow_null=True)


class AssessmentPageSerializer(serializers.Serializer):
    results = AssessmentSummarySerializer(many=True)


class RiskEvidenceSerializer(serializers.Serializer):
    signal_id = serializers.UUIDField()
    occurred = serializers.DateField()
    organisation = serializers.CharField(source="organisation.code")
    organisation_kind = serializers.CharField(source="organisation.kind")


class AnswerSerializer(serializers.Serializer):
    item_id = serializers.CharField(source="item.id")
    suggested = serializers.CharField(source="answer.suggested")
    value = serializers.CharField(source="answer.value")
    confirmed = serializers.BooleanField(source="answer.confirmed")
    confirmed_by = serializers.CharField(source="answer.confirmed_by")
    applicable = serializers.BooleanField()
    evidence = RiskEvidenceSerializer(many=True)


class ResultSerializer(serializers.Serializer):
    total = serializers.FloatField(allow_null=True)
    outcome = serializers.CharField()
    level = level_field()
    decided_by = serializers.ListField(child=serializers.CharField())
    section_totals = serializers.DictField(child=serializers.IntegerField())


class OverrideSerializer(serializers.Serializer):
    level = serializers.CharField(source="assessment.override_level")
    reason = serializers.CharField(source="override_reason")
    by = serializers.CharField(source="assessment.override_by")
    approved_by = serializers.CharField(source="assessment.override_approved_by")


class TaskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["action", "inform"])
    code = serializers.CharField()
    level = serializers.CharField()
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)


class AssessmentDetailSerializer(serializers.Serializer):
    assessment = AssessmentSummarySerializer()
    instrument = InstrumentSummarySerializer()
    answers = AnswerSerializer(many=True)
    current = ResultSerializer(allow_null=True, help_text="The score of the confirmed answers.")
    unconfirmed = serializers.ListField(child=serializers.CharField())
    override = OverrideSerializer(source="*")
    tasks = TaskSerializer(many=True)


class StartSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    victim_ref = serializers.UUIDField()
    perpetrator_ref = serializers.UUIDField(required=False, allow_null=True)


class AnswerInputSerializer(serializers.Serializer):
    item_id = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    confirmed = serializers.BooleanField(
        help_text="You checked this answer (a prefilled one against its evidence)."
    )


class AnswersInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True)


class OverrideInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ASSESSED_LEVELS)
    reason = serializers.CharField(help_text="Why your judgement differs (required).")


class HistoryPointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    level = level_field()
    computed_level = level_field()
    instrument_id = serializers.CharField()
    organisation_kind = serializers.CharField(source="organisation.kind")
    own = serializers.BooleanField()
    assessment_id = serializers.UUIDField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    results = HistoryPointSerializer(many=True)
