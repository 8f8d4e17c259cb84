"""OpenAPI shapes of the v1 API. Validation itself is ``signals.validation``, shared with the
form and the import; these classes describe the contract and render responses."""

from __future__ import annotations

from rest_framework import serializers

from patroon.vocabulary.loader import vocabulary

_vocab = vocabulary()


class OccurredSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day the behaviour occurred (or the only day).")
    end = serializers.DateField(
        required=False, allow_null=True, help_text="Last day, for a period."
    )
    approximate = serializers.BooleanField(required=False, default=False)


class PersonInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=sorted(_vocab.active("roles")))
    bsn = serializers.CharField(required=False, help_text="9 digits, passes the eleven-test.")
    given_names = serializers.CharField(required=False)
    surname_prefix = serializers.CharField(required=False, help_text='For example "van der".')
    surname = serializers.CharField(required=False)
    date_of_birth = serializers.DateField(required=False)
    sex = serializers.ChoiceField(choices=["F", "M", "X", "U"], required=False)
    postcode = serializers.CharField(required=False)
    house_number = serializers.CharField(required=False)
    street = serializers.CharField(required=False)
    city = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)


class SignalInputSerializer(serializers.Serializer):
    source_reference = serializers.CharField(
        max_length=100,
        help_text="Your system's own reference; unique per organisation. Re-sending the same "
        "signal with the same reference is safe (idempotent).",
    )
    reported_at = serializers.DateTimeField(help_text="When it was reported, with time zone.")
    occurred = OccurredSerializer()
    relationship = serializers.ChoiceField(choices=sorted(_vocab.active("relationships")))
    behaviours = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(_vocab.active("behaviours"))), min_length=1
    )
    persons = PersonInputSerializer(many=True)
    narrative = serializers.CharField(required=False, help_text="Free text; encrypted at rest.")
    confidentiality = serializers.ChoiceField(
        choices=sorted(_vocab.active("confidentiality")), required=False, default="normal"
    )


class SignalReceiptSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    source_reference = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "existing"])


class PersonRefSerializer(serializers.Serializer):
    person_ref = serializers.UUIDField()
    role = serializers.CharField()


class SignalSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    source_reference = serializers.CharField()
    reported_at = serializers.DateTimeField()
    occurred = serializers.SerializerMethodField()
    relationship = serializers.CharField()
    confidentiality = serializers.CharField()
    behaviours = serializers.SerializerMethodField()
    persons = serializers.SerializerMethodField()

    def get_occurred(self, signal) -> dict:
        return {
            "start": signal.occurred_start.isoformat(),
            "end": signal.occurred_end.isoformat() if signal.occurred_end else None,
            "approximate": signal.occurred_approximate,
        }

    def get_behaviours(self, signal) -> list[str]:
        return [b.code for b in signal.behaviours.all()]

    def get_persons(self, signal) -> list[dict]:
        return [{"person_ref": str(p.person_ref), "role": p.role} for p in signal.persons.all()]


class SignalPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="All signals of your organisation.")
    results = SignalSummarySerializer(many=True)


class PersonDetailSerializer(PersonRefSerializer):
    identifiers = serializers.DictField(
        help_text="What your organisation recorded; encrypted at rest."
    )


class SignalDetailSerializer(serializers.Serializer):
    """Renders a selectors.SignalView."""

    signal = SignalSummarySerializer()
    narrative = serializers.CharField(allow_null=True)
    persons = PersonDetailSerializer(many=True)


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    invalid_params = InvalidParamSerializer(many=True, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["invalid-params"] = fields.pop("invalid_params")
        return fields


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    signal = serializers.UUIDField(source="signal_id")
    reference = serializers.CharField()
    from_organisation = serializers.CharField(source="from_organisation.code")
    referred_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    accepted_by = serializers.CharField()
