/*
 * EC2 collector: ec2:DescribeVpcEndpoints (NextToken pagination) into a
 * struct snap_region. collect_endpoints() itself is declared in
 * collect/collect.h; this header adds the page parser, kept apart from the
 * fetch loop so that tests can feed it pages.
 */
#ifndef PRA_COLLECT_COLLECT_EC2_H
#define PRA_COLLECT_COLLECT_EC2_H

#include "aws/xml.h"
#include "collect/collect.h"
#include "collect/collect_iam.h"	/* COLLECT_PAGE_*, COLLECT_DOC_MAX */
#include "collect/snapshot.h"
#include "util/err.h"

/* MaxResults bounds of DescribeVpcEndpoints; a page_size outside them is
 * clamped (EC2 refuses values below 5). */
#define COLLECT_EC2_MIN_RESULTS 5
#define COLLECT_EC2_MAX_RESULTS 1000

/*
 * Parse one DescribeVpcEndpoints answer (the <DescribeVpcEndpointsResponse>
 * root) and append its endpoints to r. Added whole or not at all, like
 * collect_iam_parse_page; returns a COLLECT_PAGE_* value. Required:
 * vpcEndpointId, vpcEndpointType, serviceName; an absent policyDocument is
 * NULL (full access). *next_token is a malloc'd copy of nextToken, NULL on
 * the last page (absent or empty); set only on COLLECT_PAGE_OK. r->part is
 * not touched.
 */
int collect_ec2_parse_page(const struct xml_node *root, struct snap_region *r,
    char **next_token, struct err *e);

#endif
