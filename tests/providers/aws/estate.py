"""A small multi-region AWS estate seeded into moto with boto3 write calls, before collecting.

``seed_estate()`` returns the ids the tests assert on. The writes happen through a plain boto3
session, never through the collector's session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3

ACCOUNT = "123456789012"  # moto's default account
EAST, WEST, SYDNEY = "us-east-1", "eu-west-1", "ap-southeast-2"
REGIONS = (EAST, WEST, SYDNEY)

TRAIL_BUCKET = "org-trail-bucket"
ACCESS_LOG_BUCKET = "org-access-logs"
EU_TRAIL_BUCKET = "eu-trail-bucket"
ALB_LOG_BUCKET = "alb-logs"
CF_LOG_BUCKET = "cf-logs.s3.amazonaws.com"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/audit"
CANNED_STANDARD = f"arn:aws:securityhub:{EAST}::standards/aws-foundational-security-best-practices/v/1.0.0"


@dataclass
class Estate:
    """Ids of what was seeded, by name."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


def _vpc_with_subnets(ec2: Any, cidr: str, name: str, region: str) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(
        CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}]
    )["Vpc"]["VpcId"]
    base = cidr.split(".")
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24", AvailabilityZone=f"{region}{zone}"
        )["Subnet"]["SubnetId"]
        for i, zone in ((1, "a"), (2, "b"))
    ]
    return vpc, subnets


def seed_network(session: boto3.Session, estate: Estate) -> None:
    ec2 = session.client("ec2", EAST)
    logs = session.client("logs", EAST)
    vpc, subnets = _vpc_with_subnets(ec2, "10.0.0.0/16", "prod", EAST)
    quiet_vpc, _ = _vpc_with_subnets(ec2, "10.1.0.0/16", "quiet", EAST)
    estate.ids.update(vpc=vpc, subnet_a=subnets[0], subnet_b=subnets[1], quiet_vpc=quiet_vpc)

    logs.create_log_group(logGroupName="vpc-flow-logs")
    flow = ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="vpc-flow-logs",
        DeliverLogsPermissionArn=ROLE,
        MaxAggregationInterval=60,
    )
    estate.ids["flow_log"] = flow["FlowLogIds"][0]

    peer = ec2.create_security_group(GroupName="lb", Description="load balancers", VpcId=vpc)["GroupId"]
    open_ssh = ec2.create_security_group(GroupName="ssh-open", Description="open to the world", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=open_ssh["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            },
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": peer}]},
        ],
    )
    estate.ids.update(sg_open=open_ssh["GroupId"], sg_peer=peer)

    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 443, "To": 443},
    )
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=200,
        Protocol="6",
        RuleAction="deny",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="-1",
        RuleAction="allow",
        Egress=True,
        CidrBlock="0.0.0.0/0",
    )
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnets[0]]}])
    association = next(
        a["NetworkAclAssociationId"]
        for a in current["NetworkAcls"][0]["Associations"]
        if a["SubnetId"] == subnets[0]
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    estate.ids["nacl"] = acl

    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
    estate.ids.update(igw=igw, route_table=table)

    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{EAST}.s3", VpcEndpointType="Gateway", RouteTableIds=[table]
    )["VpcEndpoint"]["VpcEndpointId"]
    estate.ids["vpc_endpoint"] = endpoint

    image = ec2.register_image(Name="base", RootDeviceName="/dev/xvda")["ImageId"]
    kept = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnets[0],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )["Instances"][0]["InstanceId"]
    gone = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnets[1])["Instances"][0]
    ec2.terminate_instances(InstanceIds=[gone["InstanceId"]])
    estate.ids.update(instance=kept, terminated_instance=gone["InstanceId"])

    session.client("ec2", WEST).enable_ebs_encryption_by_default()
    west_vpc, west_subnets = _vpc_with_subnets(session.client("ec2", WEST), "10.2.0.0/16", "eu", WEST)
    estate.ids.update(west_vpc=west_vpc, west_subnet_a=west_subnets[0], west_subnet_b=west_subnets[1])


def seed_dns_logging(session: boto3.Session, estate: Estate) -> None:
    resolver = session.client("route53resolver", EAST)
    config = resolver.create_resolver_query_log_config(
        Name="dns",
        DestinationArn=f"arn:aws:logs:{EAST}:{ACCOUNT}:log-group:dns-queries",
        CreatorRequestId="dns-1",
    )["ResolverQueryLogConfig"]
    association = resolver.associate_resolver_query_log_config(
        ResolverQueryLogConfigId=config["Id"], ResourceId=estate["vpc"]
    )["ResolverQueryLogConfigAssociation"]
    estate.ids.update(query_log_config=config["Id"], query_log_association=association["Id"])


def seed_trails(session: boto3.Session, estate: Estate) -> None:
    s3 = session.client("s3", EAST)
    for bucket in (TRAIL_BUCKET, ACCESS_LOG_BUCKET):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_acl(
        Bucket=ACCESS_LOG_BUCKET,
        GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
        GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
    )
    s3.put_bucket_logging(
        Bucket=TRAIL_BUCKET,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": ACCESS_LOG_BUCKET, "TargetPrefix": "trail/"}},
    )
    session.client("s3", WEST).create_bucket(
        Bucket=EU_TRAIL_BUCKET, CreateBucketConfiguration={"LocationConstraint": WEST}
    )

    logs = session.client("logs", EAST)
    logs.create_log_group(logGroupName="cloudtrail")
    group_arn = logs.describe_log_groups(logGroupNamePrefix="cloudtrail")["logGroups"][0]["arn"]
    cloudtrail = session.client("cloudtrail", EAST)
    trail = cloudtrail.create_trail(
        Name="org-audit",
        S3BucketName=TRAIL_BUCKET,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        CloudWatchLogsLogGroupArn=group_arn,
        CloudWatchLogsRoleArn=ROLE,
    )
    cloudtrail.start_logging(Name="org-audit")
    cloudtrail.put_event_selectors(
        TrailName="org-audit",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    estate.ids.update(trail_arn=trail["TrailARN"], trail_log_group=group_arn)

    west = session.client("cloudtrail", WEST)
    eu_trail = west.create_trail(Name="eu-data", S3BucketName=EU_TRAIL_BUCKET)
    west.put_event_selectors(
        TrailName="eu-data",
        AdvancedEventSelectors=[
            {
                "Name": "s3-writes",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                    {
                        "Field": "resources.ARN",
                        "StartsWith": ["arn:aws:s3:::secret/"],
                        "NotEndsWith": [".tmp"],
                    },
                ],
            }
        ],
    )
    estate.ids["eu_trail_arn"] = eu_trail["TrailARN"]


def seed_monitoring(session: boto3.Session, estate: Estate) -> None:
    config = session.client("config", EAST)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": ROLE,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": TRAIL_BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    session.client("config", WEST).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "eu",
            "roleARN": ROLE,
            "recordingGroup": {"allSupported": False, "resourceTypes": ["AWS::EC2::VPC"]},
        }
    )

    session.client("logs", EAST).put_metric_filter(
        logGroupName="cloudtrail",
        filterName="console-no-mfa",
        filterPattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        metricTransformations=[{"metricName": "ConsoleNoMfa", "metricNamespace": "CIS", "metricValue": "1"}],
    )
    sns = session.client("sns", EAST)
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="soc@example.com")
    session.client("cloudwatch", EAST).put_metric_alarm(
        AlarmName="console-no-mfa",
        MetricName="ConsoleNoMfa",
        Namespace="CIS",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )
    estate.ids.update(topic=topic, subscription=subscription["SubscriptionArn"])


def seed_keys(session: boto3.Session, estate: Estate) -> None:
    kms = session.client("kms", EAST)
    rotated = kms.create_key(Description="rotated")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    unrotated = kms.create_key(Description="unrotated")["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    estate.ids.update(key_rotated=rotated, key_unrotated=unrotated, key_signing=signing)


def seed_edge(session: boto3.Session, estate: Estate) -> None:
    s3 = session.client("s3", EAST)
    s3.create_bucket(Bucket=ALB_LOG_BUCKET)
    elbv2 = session.client("elbv2", EAST)
    logged = elbv2.create_load_balancer(Name="logged", Subnets=[estate["subnet_a"], estate["subnet_b"]])
    logged_arn = logged["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=logged_arn,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": ALB_LOG_BUCKET},
            {"Key": "access_logs.s3.prefix", "Value": "alb"},
        ],
    )
    silent = session.client("elbv2", WEST).create_load_balancer(
        Name="silent", Subnets=[estate["west_subnet_a"], estate["west_subnet_b"]], Scheme="internal"
    )
    estate.ids.update(alb_logged=logged_arn, alb_silent=silent["LoadBalancers"][0]["LoadBalancerArn"])

    session.client("elb", SYDNEY).create_load_balancer(
        LoadBalancerName="legacy",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=[f"{SYDNEY}a"],
    )

    waf = session.client("wafv2", EAST)
    visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
    logged_acl = waf.create_web_acl(
        Name="logged", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visibility
    )["Summary"]
    logs = session.client("logs", EAST)
    logs.create_log_group(logGroupName="aws-waf-logs-regional")
    waf_group = logs.describe_log_groups(logGroupNamePrefix="aws-waf-logs-regional")["logGroups"][0]["arn"]
    waf_group = waf_group.removesuffix(":*")
    waf.put_logging_configuration(
        LoggingConfiguration={"ResourceArn": logged_acl["ARN"], "LogDestinationConfigs": [waf_group]}
    )
    silent_acl = session.client("wafv2", WEST).create_web_acl(
        Name="silent", Scope="REGIONAL", DefaultAction={"Block": {}}, VisibilityConfig=visibility
    )["Summary"]
    edge_acl = waf.create_web_acl(
        Name="edge", Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, VisibilityConfig=visibility
    )["Summary"]
    estate.ids.update(
        acl_logged=logged_acl["ARN"],
        acl_logged_id=logged_acl["Id"],
        acl_log_group=waf_group,
        acl_silent=silent_acl["ARN"],
        acl_silent_id=silent_acl["Id"],
        acl_edge=edge_acl["ARN"],
        acl_edge_id=edge_acl["Id"],
    )

    cloudfront = session.client("cloudfront", EAST)
    distribution_config = {
        "CallerReference": "site",
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "o",
                    "DomainName": f"{ALB_LOG_BUCKET}.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "o",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        },
        "Comment": "site",
        "Enabled": True,
        "WebACLId": edge_acl["ARN"],
        "Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": CF_LOG_BUCKET, "Prefix": "cf/"},
    }
    distribution = cloudfront.create_distribution(DistributionConfig=distribution_config)["Distribution"]
    estate.ids.update(
        distribution=distribution["Id"],
        distribution_arn=distribution["ARN"],
        distribution_domain=distribution["DomainName"],
    )
    # A second distribution with standard logging v2 only: a CloudWatch Logs delivery in us-east-1.
    media_config = {
        **distribution_config,
        "CallerReference": "media",
        "Comment": "media",
    }
    media_config.pop("Logging")
    media_config.pop("WebACLId")
    media = cloudfront.create_distribution(DistributionConfig=media_config)["Distribution"]
    logs = session.client("logs", EAST)
    logs.put_delivery_source(name="cf-media", resourceArn=media["ARN"], logType="ACCESS_LOGS")
    destination = logs.put_delivery_destination(
        name="cf-media-s3",
        deliveryDestinationConfiguration={"destinationResourceArn": f"arn:aws:s3:::{CF_LOG_BUCKET}"},
    )["deliveryDestination"]
    logs.create_delivery(deliverySourceName="cf-media", deliveryDestinationArn=destination["arn"])
    estate.ids.update(
        media=media["Id"],
        media_arn=media["ARN"],
        media_domain=media["DomainName"],
        media_destination=destination["arn"],
    )

    apigateway = session.client("apigateway", EAST)
    api = apigateway.create_rest_api(name="orders")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    apigateway.create_stage(restApiId=api, stageName="prod", deploymentId=deployment)
    apigateway.update_stage(
        restApiId=api,
        stageName="prod",
        patchOperations=[
            {
                "op": "replace",
                "path": "/accessLogSettings/destinationArn",
                "value": f"arn:aws:logs:{EAST}:{ACCOUNT}:log-group:api-access",
            }
        ],
    )
    http_api = session.client("apigatewayv2", WEST).create_api(Name="events", ProtocolType="HTTP")["ApiId"]
    session.client("apigatewayv2", WEST).create_stage(ApiId=http_api, StageName="$default")
    estate.ids.update(rest_api=api, http_api=http_api)


def seed_threat_detection(session: boto3.Session, estate: Estate) -> None:
    detector = session.client("guardduty", EAST).create_detector(
        Enable=True,
        FindingPublishingFrequency="FIFTEEN_MINUTES",
        DataSources={"S3Logs": {"Enable": True}, "Kubernetes": {"AuditLogs": {"Enable": False}}},
        Features=[
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {
                "Name": "EKS_RUNTIME_MONITORING",
                "Status": "ENABLED",
                "AdditionalConfiguration": [{"Name": "EKS_ADDON_MANAGEMENT", "Status": "DISABLED"}],
            },
        ],
    )["DetectorId"]
    session.client("guardduty", EAST).create_sample_findings(
        DetectorId=detector, FindingTypes=["CryptoCurrency:EC2/BitcoinTool.B!DNS"]
    )
    paused = session.client("guardduty", WEST).create_detector(Enable=False)["DetectorId"]
    session.client("securityhub", EAST).enable_security_hub(EnableDefaultStandards=False)
    estate.ids.update(detector=detector, detector_paused=paused)


def seed_estate(session: boto3.Session | None = None) -> Estate:
    """Seed everything (inside an active ``mock_aws``)."""
    session = session or boto3.Session(region_name=EAST)
    estate = Estate()
    seed_network(session, estate)
    seed_dns_logging(session, estate)
    seed_trails(session, estate)
    seed_monitoring(session, estate)
    seed_keys(session, estate)
    seed_edge(session, estate)
    seed_threat_detection(session, estate)
    return estate
