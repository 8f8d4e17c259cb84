"""patroon-encode: privacy-preserving encodings of person records for record linkage.

Runs at each participating organisation, without Patroon or Django: it turns identifying
data into keyed tokens and hardened Bloom filters under a secret that the linkage hub never
holds. See README.md.
"""

from patroon_encode.encoder import BLOOM_FIELDS, FORMAT, EncodedBatch, Encoder, Parameters
from patroon_encode.fields import FIELDS, linkage_fields

__all__ = [
    "BLOOM_FIELDS",
    "FIELDS",
    "FORMAT",
    "EncodedBatch",
    "Encoder",
    "Parameters",
    "linkage_fields",
]
