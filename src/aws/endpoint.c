#include "config.h"

#include "aws/endpoint.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct aws_service_info endpoint_services[AWS_SVC_COUNT] = {
	[AWS_SVC_STS] = { "sts", AWS_PROTO_QUERY, "2011-06-15", NULL },
	[AWS_SVC_IAM] = { "iam", AWS_PROTO_QUERY, "2010-05-08", NULL },
	[AWS_SVC_ORGANIZATIONS] = { "organizations", AWS_PROTO_JSON, NULL, "AWSOrganizationsV20161128" },
	[AWS_SVC_EC2] = { "ec2", AWS_PROTO_EC2, "2016-11-15", NULL },
};

/* Global services: one host and one signing region per partition. */
struct endpoint_global {
	const char *iam_host, *iam_region;
	const char *org_host, *org_region;
	const char *dns_suffix;
};

static const struct endpoint_global endpoint_partitions[] = {
	[AWS_PARTITION_AWS] = { "iam.amazonaws.com", "us-east-1",
		"organizations.us-east-1.amazonaws.com", "us-east-1", "amazonaws.com" },
	[AWS_PARTITION_CN] = { "iam.cn-north-1.amazonaws.com.cn", "cn-north-1",
		"organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1", "amazonaws.com.cn" },
	[AWS_PARTITION_GOV] = { "iam.us-gov.amazonaws.com", "us-gov-west-1",
		"organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1", "amazonaws.com" },
};

static const char *const endpoint_partition_names[] = {
	[AWS_PARTITION_AWS] = "aws",
	[AWS_PARTITION_CN] = "aws-cn",
	[AWS_PARTITION_GOV] = "aws-us-gov",
};

#define NPARTITIONS (sizeof(endpoint_partition_names) / sizeof(endpoint_partition_names[0]))

const struct aws_service_info *
endpoint_service_info(enum aws_service svc)
{
	if ((unsigned)svc >= AWS_SVC_COUNT)
		return NULL;
	return &endpoint_services[svc];
}

int
endpoint_service_parse(const char *name, enum aws_service *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < AWS_SVC_COUNT; i++) {
		if (strcmp(name, endpoint_services[i].name) == 0) {
			*out = (enum aws_service)i;
			return 0;
		}
	}
	return -1;
}

const char *
endpoint_partition_name(enum aws_partition p)
{
	if ((unsigned)p >= NPARTITIONS)
		return "unknown";
	return endpoint_partition_names[p];
}

int
endpoint_partition_parse(const char *name, enum aws_partition *out, struct err *e)
{
	size_t i;

	for (i = 0; name != NULL && i < NPARTITIONS; i++) {
		if (strcmp(name, endpoint_partition_names[i]) == 0) {
			*out = (enum aws_partition)i;
			return 0;
		}
	}
	err_set(e, "unknown AWS partition \"%.64s\" (expected aws, aws-cn or aws-us-gov)",
	    name != NULL ? name : "");
	return -1;
}

enum aws_partition
endpoint_partition_of_region(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return AWS_PARTITION_CN;
	if (strncmp(region, "us-gov-", 7) == 0)
		return AWS_PARTITION_GOV;
	return AWS_PARTITION_AWS;
}

bool
endpoint_region_valid(const char *region)
{
	size_t i, len, groups = 0, glen = 0;
	bool last_digits = false;

	if (region == NULL)
		return false;
	len = strlen(region);
	if (len < 4 || len >= ENDPOINT_REGION_MAX)
		return false;
	/* Walk '-'-separated groups: all letters except the last, which is all digits. */
	for (i = 0; i <= len; i++) {
		char c = region[i];

		if (c == '-' || c == '\0') {
			if (glen == 0)
				return false;
			if (groups == 0 && (glen != 2 || last_digits))
				return false;
			groups++;
			if (c == '\0')
				break;
			if (last_digits)	/* digits only in the final group */
				return false;
			glen = 0;
			continue;
		}
		if (c >= 'a' && c <= 'z') {
			if (glen > 0 && last_digits)
				return false;
			last_digits = false;
		} else if (c >= '0' && c <= '9') {
			if (glen > 0 && !last_digits)
				return false;
			last_digits = true;
		} else {
			return false;
		}
		glen++;
	}
	return groups >= 3 && last_digits;
}

bool
endpoint_host_is_loopback(const char *host)
{
	char tmp[ENDPOINT_HOST_MAX];
	struct in_addr a4;
	struct in6_addr a6;
	size_t len;

	if (host == NULL)
		return false;
	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	len = strlen(host);
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
		if (len - 2 >= sizeof(tmp))
			return false;
		memcpy(tmp, host + 1, len - 2);
		tmp[len - 2] = '\0';
		host = tmp;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* Split scheme://host[:port][/path] into out; rejects what we never need
 * (user info, query, fragment) so that the Host we sign is unambiguous. */
static int
endpoint_parse_url(const char *url, struct aws_endpoint *out, struct err *e)
{
	const char *p, *host, *hend, *pend;
	size_t hlen;
	long port = 0;

	if (strncasecmp(url, "https://", 8) == 0) {
		out->https = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		out->https = false;
		p = url + 7;
	} else {
		err_set(e, "endpoint URL \"%.200s\" must start with https:// or http://", url);
		return -1;
	}
	if (strlen(url) >= ENDPOINT_URL_MAX) {
		err_set(e, "endpoint URL is longer than %d bytes", ENDPOINT_URL_MAX - 1);
		return -1;
	}
	if (strpbrk(url, "?#@ \t\r\n") != NULL) {
		err_set(e, "endpoint URL \"%.200s\" must not contain a query, fragment, user info or spaces", url);
		return -1;
	}
	host = p;
	if (*p == '[') {
		hend = strchr(p, ']');
		if (hend == NULL) {
			err_set(e, "endpoint URL \"%.200s\": unterminated IPv6 address", url);
			return -1;
		}
		hend++;
	} else {
		hend = p + strcspn(p, ":/");
	}
	hlen = (size_t)(hend - host);
	if (hlen == 0 || hlen >= ENDPOINT_HOST_MAX) {
		err_set(e, "endpoint URL \"%.200s\" has no valid host", url);
		return -1;
	}
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	pend = hend;
	if (*pend == ':') {
		char *endp;

		pend++;
		port = strtol(pend, &endp, 10);
		if (endp == pend || port < 1 || port > 65535 || (*endp != '\0' && *endp != '/')) {
			err_set(e, "endpoint URL \"%.200s\" has an invalid port", url);
			return -1;
		}
		pend = endp;
	} else if (*pend != '\0' && *pend != '/') {
		err_set(e, "endpoint URL \"%.200s\" has an invalid host", url);
		return -1;
	}
	snprintf(out->path, sizeof(out->path), "%s", *pend == '/' ? pend : "/");
	if (port != 0 && port != (out->https ? 443 : 80))
		snprintf(out->host_header, sizeof(out->host_header), "%s:%ld", out->host, port);
	else
		snprintf(out->host_header, sizeof(out->host_header), "%s", out->host);
	if ((size_t)snprintf(out->url, sizeof(out->url), "%s://%s%s", out->https ? "https" : "http",
	    out->host_header, out->path) >= sizeof(out->url)) {
		err_set(e, "endpoint URL is longer than %d bytes", ENDPOINT_URL_MAX - 1);
		return -1;
	}
	out->loopback = endpoint_host_is_loopback(out->host);
	if (!out->https && !out->loopback) {
		err_set(e, "endpoint URL \"%.200s\": plain http:// is only allowed for loopback hosts", url);
		return -1;
	}
	return 0;
}

int
endpoint_resolve(enum aws_service svc, enum aws_partition partition, const char *region,
    const char *override_url, struct aws_endpoint *out, struct err *e)
{
	const struct endpoint_global *g;
	char url[ENDPOINT_URL_MAX];
	const char *sregion;

	memset(out, 0, sizeof(*out));
	if ((unsigned)svc >= AWS_SVC_COUNT || (unsigned)partition >= NPARTITIONS) {
		err_set(e, "unknown AWS service or partition");
		return -1;
	}
	if (!endpoint_region_valid(region)) {
		err_set(e, "invalid AWS region \"%.64s\" (expected a name like us-east-1)",
		    region != NULL ? region : "");
		return -1;
	}
	if (endpoint_partition_of_region(region) != partition) {
		err_set(e, "region %s is not in partition %s", region, endpoint_partition_name(partition));
		return -1;
	}
	g = &endpoint_partitions[partition];
	switch (svc) {
	case AWS_SVC_IAM:
		sregion = g->iam_region;
		snprintf(url, sizeof(url), "https://%s/", g->iam_host);
		break;
	case AWS_SVC_ORGANIZATIONS:
		sregion = g->org_region;
		snprintf(url, sizeof(url), "https://%s/", g->org_host);
		break;
	default:
		sregion = region;
		snprintf(url, sizeof(url), "https://%s.%s.%s/", endpoint_services[svc].name, region,
		    g->dns_suffix);
		break;
	}
	if (endpoint_parse_url(override_url != NULL ? override_url : url, out, e) != 0) {
		err_prefix(e, "%s endpoint", endpoint_services[svc].name);
		return -1;
	}
	snprintf(out->signing_region, sizeof(out->signing_region), "%s", sregion);
	out->signing_service = endpoint_services[svc].name;
	out->service = svc;
	return 0;
}
