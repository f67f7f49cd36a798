"""The estate file: the demo loads; malformed files name the file, the place and the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.emulators.estate import (
    Destination,
    Estate,
    EstateError,
    bundled_estate,
    load_estate,
    parse_estate,
)

MINIMAL = """\
aws:
  account_id: "123456789012"
  enabled_regions: [us-east-1, eu-west-1]
  regions:
    eu-west-1:
      vpcs:
        - name: first
          cidr: 10.0.0.0/16
        - name: second
          cidr: 10.1.0.0/16
          flow_logs: {traffic: ALL, destination: "s3://flow-logs-bucket/x/"}
"""


def _write(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> EstateError:
    with pytest.raises(EstateError) as caught:
        load_estate(_write(tmp_path, text))
    return caught.value


def test_bundled_demo_estate_loads_and_says_what_the_demo_needs() -> None:
    path = bundled_estate("demo")
    assert path.parent.name == "estates" and path.parent.parent.name == "emulators"
    estate = load_estate(path)

    aws = estate.aws
    assert aws is not None
    assert aws.account_id == "123456789012"
    assert aws.enabled_regions == ["us-east-1", "eu-west-1", "ap-southeast-2"]
    us, eu = aws.region("us-east-1"), aws.region("eu-west-1")
    assert us.guardduty is not None and us.guardduty.features == {
        "S3_DATA_EVENTS": True,
        "EKS_AUDIT_LOGS": False,
    }
    assert eu.guardduty is None and aws.region("ap-southeast-2").guardduty is None
    assert us.security_hub is not None
    assert us.security_hub.standards == [
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    ]
    [trail] = aws.trails
    assert trail.multi_region and trail.log_file_validation and trail.kms_key == "cloudtrail"
    assert [d.read_write for d in trail.data_events] == ["WriteOnly"]
    flow_levels = [
        (v.flow_logs is not None, any(s.flow_logs for s in v.subnets))
        for r in aws.regions.values()
        for v in r.vpcs
    ]
    assert (True, False) in flow_levels and (False, True) in flow_levels and (False, False) in flow_levels
    assert any("<img" in v.name for v in eu.vpcs)
    assert [k.rotation for k in us.kms_keys] == [True, False]


def test_destinations_parse_and_dump_as_text() -> None:
    estate = parse_estate(MINIMAL)
    assert estate.aws is not None
    flow_logs = estate.aws.regions["eu-west-1"].vpcs[1].flow_logs
    assert flow_logs is not None
    assert flow_logs.destination == Destination(kind="s3", name="flow-logs-bucket", prefix="x/")
    dumped = estate.model_dump(mode="json")
    assert (
        dumped["aws"]["regions"]["eu-west-1"]["vpcs"][1]["flow_logs"]["destination"]
        == "s3://flow-logs-bucket/x/"
    )
    assert Estate.model_validate(dumped) == estate


def test_wrong_type_names_file_place_and_line(tmp_path: Path) -> None:
    error = _error(tmp_path, MINIMAL.replace("traffic: ALL", "traffic: SOME"))
    assert str(error) == (
        f"{tmp_path / 'demo.yaml'}: aws.regions.eu-west-1.vpcs[1].flow_logs.traffic: "
        "Input should be 'ALL', 'ACCEPT' or 'REJECT' (line 11)"
    )
    assert error.problems == [
        (
            "aws.regions.eu-west-1.vpcs[1].flow_logs.traffic",
            "Input should be 'ALL', 'ACCEPT' or 'REJECT' (line 11)",
        )
    ]


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        MINIMAL.replace("          cidr: 10.0.0.0/16", "          cidr: 10.0.0.0/16\n          colour: red"),
    )
    assert "demo.yaml: aws.regions.eu-west-1.vpcs[0].colour: Extra inputs are not permitted (line 9)" in str(
        error
    )


def test_unknown_provider_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, MINIMAL + "oracle: {}\n")
    assert "demo.yaml: oracle: Extra inputs are not permitted" in str(error)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("aws:\n  account_id: [unclosed\n", "line 3, column 1"),
        ("aws:\n  account_id: '1'\n   enabled_regions: []\n", "line 3, column 4"),
        ("aws: {account_id: x}\naws: {}\n", "line 2, column 1"),
    ],
)
def test_bad_yaml_names_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    error = _error(tmp_path, text)
    assert str(error).startswith(f"{tmp_path / 'demo.yaml'}: {where}: invalid YAML: ")


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, "aws: {account_id: x}\naws: {}\n")
    assert "duplicate key 'aws'" in str(error)


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        """\
        aws:
          account_id: 1234
          enabled_regions: [us-east-1]
          trails:
            - {name: ab, home_region: us-east-1, s3_bucket: Bad_Bucket}
        """,
    )
    places = [place for place, _ in error.problems]
    assert places == ["aws.account_id", "aws.trails[0].name", "aws.trails[0].s3_bucket"]
    assert "valid string" in error.problems[0][1]
    assert "not a valid trail name" in error.problems[1][1]
    assert "not a valid S3 bucket name" in error.problems[2][1]
    assert str(error).count("demo.yaml: ") == 3


def test_cross_references_point_at_the_referring_field(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        """\
        aws:
          account_id: "123456789012"
          enabled_regions: [us-east-1]
          regions:
            us-west-2: {}
          trails:
            - {name: main, home_region: us-east-1, s3_bucket: trail-bucket, kms_key: missing}
          cloudfront_distributions:
            - {name: site, web_acl: nope}
        """,
    )
    assert dict(error.problems) == {
        "aws.regions.us-west-2": "region us-west-2 is not in enabled_regions (line 5)",
        "aws.trails[0].kms_key": "no KMS key with alias 'missing' in us-east-1 (line 7)",
        "aws.cloudfront_distributions[0].web_acl": "no CLOUDFRONT web ACL named 'nope' (line 9)",
    }


def test_vpc_consistency(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        """\
        aws:
          account_id: "123456789012"
          enabled_regions: [us-east-1]
          regions:
            us-east-1:
              vpcs:
                - name: v
                  cidr: 10.0.0.0/16
                  subnets: [{cidr: 10.9.0.0/24}]
                  instances: [{name: i, subnet: nope, security_groups: [web]}]
                  load_balancers: [{name: lb}]
        """,
    )
    vpc = "aws.regions.us-east-1.vpcs[0]"
    assert [place for place, _ in error.problems] == [
        f"{vpc}.subnets[0].cidr",
        f"{vpc}.instances[0].subnet",
        f"{vpc}.instances[0].security_groups[0]",
        f"{vpc}.load_balancers[0]",
    ]


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "flow_logs: {destination: 'ftp://x'}",
            "a destination is 's3://BUCKET[/PREFIX]' or 'logs:LOG_GROUP'",
        ),
        ("load_balancers: [{name: lb, access_logs: 'logs:group'}]", "must be an S3 bucket"),
        (
            "security_groups: [{name: g, ingress: [{ports: '90-80', cidrs: [0.0.0.0/0]}]}]",
            "outside 0-65535 or reversed",
        ),
        ("security_groups: [{name: g, ingress: [{ports: 22, cidrs: [10.0.0.1/8]}]}]", "is not a CIDR block"),
    ],
)
def test_field_values_are_checked(tmp_path: Path, snippet: str, message: str) -> None:
    text = f"""\
    aws:
      account_id: "123456789012"
      enabled_regions: [us-east-1]
      regions:
        us-east-1:
          vpcs:
            - name: v
              cidr: 10.0.0.0/16
              {snippet}
    """
    error = _error(tmp_path, text)
    assert message in str(error)
    assert str(error).startswith(f"{tmp_path / 'demo.yaml'}: aws.regions.us-east-1.vpcs[0].")


def test_empty_missing_and_non_mapping_files(tmp_path: Path) -> None:
    assert str(_error(tmp_path, "")).endswith("demo.yaml: the file is empty")
    assert "the top level must be a mapping" in str(_error(tmp_path, "- aws\n"))
    with pytest.raises(EstateError, match=r"nowhere\.yaml: cannot read the file"):
        load_estate(tmp_path / "nowhere.yaml")


_yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["aws", "name", "azure", "description"]), _yaml_values, max_size=3))
def test_any_yaml_document_either_loads_or_raises_estate_error(document: dict[str, object]) -> None:
    try:
        parse_estate(yaml.safe_dump(document), "fuzz.yaml")
    except EstateError as error:
        assert str(error).startswith("fuzz.yaml: ")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_either_loads_or_raises_estate_error(text: str) -> None:
    try:
        parse_estate(text, "fuzz.yaml")
    except EstateError as error:
        assert str(error).startswith("fuzz.yaml: ")
