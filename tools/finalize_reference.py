#!/usr/bin/env python3
"""Independent reference of finalization (docs/protocol-parts/finalization.md).

Reads a finalization request (JSON) and prints the result JSON. Written from the
protocol text, not from the Swift code: its own base64, DSSE PAE, Ed25519 through
pyca/cryptography with the strict key and signature rules written out, key ids (ours and
securesystemslib's) from their definitions, exact Fractions for thresholds. Exit 0 with a
result, 2 when the request itself is refused (message on stderr).

    finalize_reference.py REQUEST.json [KEY_SEARCH_BUDGET]     (budget default 8000)
"""
import base64
import hashlib
import json
import os
import re
import sys
from fractions import Fraction

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ed25519_rules import acceptable_point, acceptable_signature  # noqa: E402

IN_TOTO = "application/vnd.in-toto+json"
STATEMENT_V1 = "https://in-toto.io/Statement/v1"
PREDICATE_TYPES = {"pogo": "https://pogo-verifier.dev/pogo/attestation/v2",
                   "poq": "https://pogo-verifier.dev/poq/score/v1"}
EVALUATOR_IDENTITY = re.compile(r"poq/1 (similarity|cross-encoder) sha256:[0-9a-f]{64}")
MAX_STAKE = 2**53 - 1
KEY_SEARCH_BUDGET = 8000


class Refused(Exception):
    pass


def b64(text):
    """Standard or URL-safe base64, padded or not (not both alphabets at once)."""
    if not isinstance(text, str) or any(c in text for c in " \t\r\n"):
        raise ValueError("not base64")
    if ("+" in text or "/" in text) and ("-" in text or "_" in text):
        raise ValueError("mixed alphabets")
    s = text.replace("-", "+").replace("_", "/")
    if "=" in s and len(s) % 4:
        raise ValueError("bad padding")
    raw = base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    if base64.b64encode(raw).decode().rstrip("=") != s.rstrip("="):
        raise ValueError("non-canonical base64")
    return raw


def pae(payload_type, payload):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def parse_request(req):
    if not isinstance(req, dict):
        raise Refused("body is not an object")
    kind = req.get("kind")
    if kind not in PREDICATE_TYPES:
        raise Refused("kind")
    subject = req.get("subject")
    if not isinstance(subject, str) or len(subject) != 64:
        raise Refused("subject")
    subject = bytes.fromhex(subject).hex()
    verifiers = []
    seen = set()
    for i, v in enumerate(req.get("verifiers") or []):
        raw = b64(v["publicKey"])
        if len(raw) != 32 or not acceptable_point(raw):
            raise Refused(f"verifiers[{i}].publicKey")
        stake = v["stake"]
        if not is_number(stake) or stake != int(stake) or not 1 <= stake <= MAX_STAKE:
            raise Refused(f"verifiers[{i}].stake")
        if raw in seen:
            raise Refused(f"verifiers[{i}].publicKey duplicate")
        seen.add(raw)
        verifiers.append((hashlib.sha256(raw).hexdigest(), Ed25519PublicKey.from_public_bytes(raw), int(stake), raw))
    if not verifiers:
        raise Refused("verifiers")
    if sum(v[2] for v in verifiers) > MAX_STAKE:
        raise Refused("total stake")
    t = req.get("thresholds") or {}
    confirm = Fraction(t["confirm"]) if "confirm" in t else Fraction(2, 3)
    slash = Fraction(t["slash"]) if "slash" in t else Fraction(1, 3)
    for name, value in (("confirm", confirm), ("slash", slash)):
        if not 0 < value <= 1:
            raise Refused(f"thresholds.{name}")
    distance = float(t.get("outlierDistance", 0.1))
    quorum = Fraction(t["quorum"]) if "quorum" in t else Fraction(2, 3)
    if not 0 < quorum <= 1:
        raise Refused("thresholds.quorum")
    beacon = req.get("beacon")
    if beacon is not None:
        if kind != "pogo" or not isinstance(beacon, str) or len(beacon) != 64:
            raise Refused("beacon")
        beacon = bytes.fromhex(beacon).hex()
    evaluator = req.get("evaluator")
    if evaluator is not None:
        if kind != "poq" or not isinstance(evaluator, str) or not EVALUATOR_IDENTITY.fullmatch(evaluator):
            raise Refused("evaluator")
    return kind, subject, verifiers, req["attestations"], confirm, slash, distance, quorum, beacon, evaluator


def unique_members(pairs):
    """A JSON object whose keys must be distinct (a statement with a repeated key is malformed)."""
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def sslib_key_id(raw):
    """securesystemslib's default key id: SHA-256 of the canonical JSON of the key's dict."""
    canonical = '{"keytype":"ed25519","keyval":{"public":"%s"},"scheme":"ed25519"}' % raw.hex()
    return hashlib.sha256(canonical.encode()).hexdigest()


class Search:
    """Matches signatures to verifiers: the verifier a key id names first (free), then the others
    in request order, each check spending one unit of the request's budget."""

    def __init__(self, verifiers, budget):
        self.keys = [key for _, key, _, _ in verifiers]
        self.by_hint = {}
        for i, (kid, _, _, raw) in enumerate(verifiers):
            for hint in (kid, sslib_key_id(raw)):
                self.by_hint.setdefault(hint, i)
        self.budget = budget

    def holds(self, i, sig, message):
        try:
            if acceptable_signature(sig):
                self.keys[i].verify(sig, message)
                return True
        except InvalidSignature:
            pass
        return False

    def signers(self, parsed, message):
        """Returns (indices of signers, some key id named a verifier, a search was cut short)."""
        found, named, cut = set(), False, False
        for keyid, sig in parsed:
            hinted = self.by_hint.get(keyid)
            if hinted is not None:
                named = True
                if hinted not in found and self.holds(hinted, sig, message):
                    found.add(hinted)
                    continue
            for i in range(len(self.keys)):
                if i == hinted or i in found:
                    continue
                if self.budget == 0:
                    cut = True
                    break
                self.budget -= 1
                if self.holds(i, sig, message):
                    found.add(i)
                    break
        return found, named, cut


def read_ballot(env, kind, subject, search, key_ids, beacon, evaluator):
    """Returns ("ballot", value, signers) or ("rejected", reason, signers), checks in the documented order."""
    try:
        if not isinstance(env, dict):
            raise ValueError
        payload_type, payload = env["payloadType"], b64(env["payload"])
        sigs = env["signatures"]
        if not isinstance(payload_type, str) or not isinstance(sigs, list) or not 1 <= len(sigs) <= 16:
            raise ValueError
        parsed = []
        for s in sigs:
            keyid = s.get("keyid")
            if keyid is not None and not isinstance(keyid, str):
                raise ValueError
            parsed.append((keyid or None, b64(s["sig"])))
    except (ValueError, KeyError, TypeError, AttributeError):
        return "rejected", "malformed", []
    found, named, cut = search.signers(parsed, pae(payload_type, payload))
    signers = sorted(key_ids[i] for i in found)
    if not signers:
        return "rejected", "keySearchBudgetExhausted" if cut else "badSignature" if named else "unknownSigner", []
    if payload_type != IN_TOTO:
        return "rejected", "wrongPayloadType", signers
    try:
        st = json.loads(payload, object_pairs_hook=unique_members)
        assert st["_type"] == STATEMENT_V1 and isinstance(st["predicateType"], str) and st["predicateType"]
        subjects = st["subject"]
        assert isinstance(subjects, list) and subjects
        for s in subjects:
            assert isinstance(s["digest"], dict) and s["digest"] and isinstance(s.get("name", ""), str)
            for v in s["digest"].values():
                assert isinstance(v, str) and v and len(v) % 2 == 0 and all(c in "0123456789abcdef" for c in v)
        predicate = st.get("predicate", {})
        assert isinstance(predicate, dict)
    except (ValueError, KeyError, TypeError, AssertionError):
        return "rejected", "malformed", signers
    if st["predicateType"] != PREDICATE_TYPES[kind]:
        return "rejected", "wrongPredicateType", signers
    if len(subjects) != 1 or subjects[0]["digest"].get("sha256") != subject:
        return "rejected", "wrongSubject", signers
    if kind == "pogo":
        verdict, mode = predicate.get("verdict"), predicate.get("mode")
        source, used = predicate.get("beaconSource"), predicate.get("beacon")
        if verdict not in ("positive", "negative") or mode not in ("full", "leafOnly") \
                or source not in ("verifier", "caller") or not isinstance(used, str) or len(used) != 64 \
                or any(c not in "0123456789abcdef" for c in used):
            return "rejected", "malformed", signers
        # A beacon the caller chose counts only when the finalizer names it.
        if source == "caller" and used != beacon:
            return "rejected", "unboundBeacon", signers
        return "ballot", (verdict, mode), signers
    score = predicate.get("score")
    if not is_number(score) or not 0 <= score <= 1:
        return "rejected", "malformed", signers
    # Scores of different evaluators are not comparable: when the request names one, only its count.
    if evaluator is not None:
        named = predicate.get("evaluator")
        if not isinstance(named, dict) or named.get("identity") != evaluator:
            return "rejected", "wrongEvaluator", signers
    return "ballot", float(score), signers


def finalize(req, key_search_budget=KEY_SEARCH_BUDGET):
    kind, subject, verifiers, attestations, confirm, slash, distance, quorum, beacon, evaluator = parse_request(req)
    search = Search(verifiers, key_search_budget)
    key_ids = [kid for kid, _, _, _ in verifiers]
    stake_of = {kid: s for kid, _, s, _ in verifiers}
    cast, rejected = {}, []
    for index, env in enumerate(attestations):
        outcome, value, signers = read_ballot(env, kind, subject, search, key_ids, beacon, evaluator)
        if outcome == "rejected":
            # "detail" is informative text, not part of what implementations must agree on.
            rejected.append({"index": index, "reason": value, "detail": "", "signers": signers})
        else:
            for kid in signers:
                cast.setdefault(kid, []).append((value, index))
    votes, equivocating = [], []
    for kid in sorted(cast):
        values = {v for v, _ in cast[kid]}
        indices = [i for _, i in cast[kid]]
        if len(values) > 1:
            equivocating.append({"keyId": kid, "stake": stake_of[kid], "attestations": indices})
        elif kind == "pogo":
            verdict, mode = cast[kid][0][0]
            # Only a positive reached by re-execution counts toward confirm; any negative toward slash.
            side = "slash" if verdict == "negative" else "confirm" if mode == "full" else "neither"
            votes.append({"keyId": kid, "stake": stake_of[kid], "verdict": verdict, "mode": mode, "countsToward": side,
                          "attestations": indices})
        else:
            votes.append({"keyId": kid, "stake": stake_of[kid], "score": cast[kid][0][0], "attestations": indices})
    total = sum(stake_of.values())
    voted = sum(v["stake"] for v in votes)
    equivocated = sum(e["stake"] for e in equivocating)
    tally = {"total": total, "voted": voted, "abstained": total - voted - equivocated, "equivocated": equivocated}
    result = {"kind": kind, "subject": subject, "stake": tally, "voters": len(votes), "votes": votes,
              "rejected": rejected, "equivocating": equivocating}
    if kind == "pogo":
        positive = sum(v["stake"] for v in votes if v["countsToward"] == "confirm")
        negative = sum(v["stake"] for v in votes if v["countsToward"] == "slash")
        tally.update(positive=positive, negative=negative,
                     leafOnlyPositive=sum(v["stake"] for v in votes if v["countsToward"] == "neither"))
        c = Fraction(positive, total) >= confirm
        s = Fraction(negative, total) >= slash
        result["decision"] = "confirm" if c and not s else "slash" if s and not c else "undecided"
    else:
        consensus = None
        quorate = voted > 0 and Fraction(voted, total) >= quorum
        for score in (sorted(v["score"] for v in votes) if quorate else []):
            if 2 * sum(v["stake"] for v in votes if v["score"] <= score) >= voted:
                consensus = score
                break
        result["consensus"] = consensus
        result["evaluator"] = evaluator
        result["decision"] = "undecided" if consensus is None else "scored"
        result["outliers"] = [{"keyId": v["keyId"], "score": v["score"], "distance": abs(v["score"] - consensus)}
                              for v in votes if consensus is not None and abs(v["score"] - consensus) > distance]
    return result


def main():
    with open(sys.argv[1], "rb") as f:
        req = json.load(f)
    try:
        result = finalize(req, int(sys.argv[2]) if len(sys.argv) > 2 else KEY_SEARCH_BUDGET)
    except (Refused, KeyError, TypeError, ValueError, OverflowError) as e:
        print(f"refused: {e}", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(result, sort_keys=True, indent=1))


if __name__ == "__main__":
    main()
