/*
 * Where each AWS service lives and how requests to it are signed.
 *
 * Defaults follow botocore's partition rules for the three commercial and
 * government partitions: IAM and Organizations are global services answered
 * from one endpoint per partition and always signed for a fixed region; STS
 * and EC2 are regional. Any service can be pointed at an override URL, which
 * is how tests reach the loopback emulator; the signing region and service
 * stay those of the real endpoint so that the request is signed exactly as it
 * would be for AWS.
 */
#ifndef PRA_AWS_ENDPOINT_H
#define PRA_AWS_ENDPOINT_H

#include <stdbool.h>

#include "util/err.h"

enum aws_partition {
	AWS_PARTITION_AWS = 0,	/* "aws" */
	AWS_PARTITION_CN,	/* "aws-cn" */
	AWS_PARTITION_GOV,	/* "aws-us-gov" */
};

enum aws_service {
	AWS_SVC_STS = 0,
	AWS_SVC_IAM,
	AWS_SVC_ORGANIZATIONS,
	AWS_SVC_EC2,
	AWS_SVC_COUNT
};

enum aws_protocol {
	AWS_PROTO_QUERY = 0,	/* IAM, STS: form body, XML answers */
	AWS_PROTO_EC2,		/* EC2: form body, XML answers without Result wrapper */
	AWS_PROTO_JSON,		/* JSON 1.1 with X-Amz-Target (Organizations) */
};

/* Static facts about a service's API. */
struct aws_service_info {
	const char *name;		/* "sts", also the SigV4 service name */
	enum aws_protocol protocol;
	const char *api_version;	/* query/ec2 Version=, NULL for JSON */
	const char *target_prefix;	/* JSON X-Amz-Target prefix, else NULL */
};

#define ENDPOINT_URL_MAX 512
#define ENDPOINT_HOST_MAX 256
#define ENDPOINT_REGION_MAX 32

/* A resolved endpoint. url always ends in "/" when it has no path. */
struct aws_endpoint {
	char url[ENDPOINT_URL_MAX];		/* "https://sts.eu-west-1.amazonaws.com/" */
	char host[ENDPOINT_HOST_MAX];		/* host only, brackets kept for IPv6: "[::1]" */
	char host_header[ENDPOINT_HOST_MAX + 8];/* host[:port] as sent in Host (port only when not default) */
	char path[ENDPOINT_URL_MAX];		/* request path, "/" by default */
	bool https;
	bool loopback;				/* host is 127.0.0.0/8, ::1 or localhost */
	char signing_region[ENDPOINT_REGION_MAX];
	const char *signing_service;		/* static string */
	enum aws_service service;
};

const struct aws_service_info *endpoint_service_info(enum aws_service svc);
/* "sts", "iam", "organizations", "ec2" -> service; -1 when unknown. */
int endpoint_service_parse(const char *name, enum aws_service *out);

/* "aws", "aws-cn", "aws-us-gov". */
const char *endpoint_partition_name(enum aws_partition p);
int endpoint_partition_parse(const char *name, enum aws_partition *out, struct err *e);
/* The partition a (valid) region belongs to: cn-* -> aws-cn, us-gov-* -> aws-us-gov, else aws. */
enum aws_partition endpoint_partition_of_region(const char *region);

/* Region names look like "us-east-1", "us-gov-west-1", "cn-northwest-1": lower-case
 * letter groups separated by '-', starting with a 2-letter group and ending in a number. */
bool endpoint_region_valid(const char *region);

/*
 * Resolve the endpoint for svc. region must be valid and belong to partition.
 * override_url (NULL for none) replaces the default URL: http:// or https://,
 * a host, optional port and path, no query, no user info; plain http is only
 * accepted for loopback hosts. 0, or -1 with e naming the problem.
 */
int endpoint_resolve(enum aws_service svc, enum aws_partition partition, const char *region,
    const char *override_url, struct aws_endpoint *out, struct err *e);

/* True for "localhost", IPv4 literals in 127.0.0.0/8 and "::1" (with or without brackets). */
bool endpoint_host_is_loopback(const char *host);

#endif
