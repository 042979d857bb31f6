#include "config.h"

#include "collect/awsconf.h"

#include <string.h>

#include "aws/creds/creds_client.h"

void
awsconf_client_opts(const struct config *c, struct aws_client_opts *o)
{
	const struct config_aws *a = &c->aws;

	aws_client_opts_init(o);
	o->region = a->region;
	o->partition = config_partition_name(a->partition);
	o->endpoint_override[AWS_SVC_STS] = a->endpoints.sts;
	o->endpoint_override[AWS_SVC_IAM] = a->endpoints.iam;
	o->endpoint_override[AWS_SVC_ORGANIZATIONS] = a->endpoints.organizations;
	o->endpoint_override[AWS_SVC_EC2] = a->endpoints.ec2;
	o->ca_bundle = a->ca_bundle;
	o->proxy = a->proxy;
	o->insecure_loopback = a->insecure_loopback_tls;
	o->connect_timeout_ms = (long)a->connect_timeout * 1000;
	o->total_timeout_ms = (long)a->request_timeout * 1000;
	o->max_response_bytes = (size_t)a->max_response_mib << 20;
	o->retry_max_attempts = (unsigned)a->retry.max_attempts;
	o->retry_base_delay_ms = (unsigned)a->retry.base_delay_ms;
	o->retry_max_delay_ms = (unsigned)a->retry.max_delay_ms;
	o->retry_budget_ms = (unsigned)a->retry.budget_s * 1000u;
}

void
awsconf_creds_opts(const struct config *c, struct creds_opts *o)
{
	const struct config_aws_credentials *cr = &c->aws.credentials;

	creds_opts_init(o);
	/* The two enums list the sources in the same order. */
	o->source = (enum creds_source)cr->source;
	/* Keys written in the config are the "explicit settings" that come
	 * before the chain, as the AWS SDKs put explicit keys first. */
	if (cr->source == CONFIG_CRED_AUTO && cr->access_key_id != NULL)
		o->source = CREDS_SOURCE_STATIC;
	o->access_key_id = cr->access_key_id;
	o->secret_access_key = config_secret_access_key(c);
	o->session_token = cr->session_token;
	o->profile = cr->profile;
	o->credentials_file = cr->credentials_file;
	o->config_file = cr->config_file;
	o->imds_v1_fallback = cr->imds_v1_fallback;
	o->sts_region = c->aws.region;
	o->sts_endpoint = c->aws.endpoints.sts;
	o->ca_bundle = c->aws.ca_bundle;
	o->proxy = c->aws.proxy;
	o->sts_timeout_ms = (long)c->aws.request_timeout * 1000;
}

int
awsconf_creds_new(const struct config *c, struct awsconf_creds *out, struct err *e)
{
	struct creds_opts o;

	memset(out, 0, sizeof(*out));
	awsconf_creds_opts(c, &o);
	if ((out->chain = creds_provider_new(&o, e)) == NULL) {
		err_prefix(e, "credentials");
		return -1;
	}
	if ((out->client = creds_client_provider_new(out->chain, e)) == NULL) {
		creds_provider_free(out->chain);
		out->chain = NULL;
		return -1;
	}
	return 0;
}

void
awsconf_creds_free(struct awsconf_creds *cr)
{
	/* The adapter borrows the chain: free it first. */
	aws_creds_provider_free(cr->client);
	creds_provider_free(cr->chain);
	cr->client = NULL;
	cr->chain = NULL;
}
