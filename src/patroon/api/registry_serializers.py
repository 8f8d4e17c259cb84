"""Shapes of the Femicide Monitor API: aggregates and pseudonymised records only, plus the
registrar's who-knew-what summary (organisations, counts, dates; no signal content)."""

from __future__ import annotations

from rest_framework import serializers


class StatisticsSerializer(serializers.Serializer):
    by = serializers.ListField(child=serializers.CharField())
    victims = serializers.IntegerField()
    provisional_period = serializers.CharField(allow_null=True)
    cells = serializers.ListField(
        child=serializers.DictField(), help_text="Each: the dimension values and `victims`."
    )


class PseudonymisedRecordSerializer(serializers.Serializer):
    pseudonym = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    country = serializers.CharField()
    region = serializers.CharField()
    age_group = serializers.CharField()
    victim_type = serializers.CharField()
    attempted = serializers.BooleanField()
    relationship = serializers.CharField()
    femicide_type = serializers.CharField()
    classification_rule = serializers.CharField()
    verification = serializers.CharField()


class RecordPageSerializer(serializers.Serializer):
    results = PseudonymisedRecordSerializer(many=True)


class OrganisationSignalsSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    organisation_kind = serializers.CharField()
    signals = serializers.IntegerField()
    first = serializers.DateField()
    last = serializers.DateField()


class RedFlagSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    times = serializers.IntegerField()
    first = serializers.DateField()


class WhoKnewSerializer(serializers.Serializer):
    cutoff = serializers.DateField(allow_null=True)
    organisations = OrganisationSignalsSerializer(many=True)
    red_flags = RedFlagSerializer(many=True)
    highest_level = serializers.CharField()
    assessments = serializers.IntegerField()
    case_open = serializers.CharField()
    measures = serializers.JSONField()
