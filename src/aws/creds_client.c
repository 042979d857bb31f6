#include "config.h"

#include "aws/creds_client.h"

#include <stdlib.h>
#include <string.h>

#include "util/secret.h"

static int
creds_client_get(struct aws_creds_provider *self, struct aws_creds *out, struct err *e)
{
	struct aws_credentials c;

	memset(out, 0, sizeof(*out));
	if (creds_provider_get(self->ctx, &c, e) != 0)
		return -1;
	/* Same members, same ownership rules: move them over. */
	out->access_key_id = c.access_key_id;
	out->secret_access_key = c.secret_access_key;
	out->session_token = c.session_token;
	out->expiration = c.expiration;
	memcpy(out->source, c.source, sizeof(out->source) < sizeof(c.source) ?
	    sizeof(out->source) : sizeof(c.source));
	out->source[sizeof(out->source) - 1] = '\0';
	memset(&c, 0, sizeof(c));
	return 0;
}

static void
creds_client_invalidate(struct aws_creds_provider *self)
{
	creds_provider_invalidate(self->ctx);
}

static void
creds_client_destroy(struct aws_creds_provider *self)
{
	free(self);
}

struct aws_creds_provider *
creds_client_provider_new(struct creds_provider *chain, struct err *e)
{
	struct aws_creds_provider *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	p->name = "credential chain";
	p->get = creds_client_get;
	p->invalidate = creds_client_invalidate;
	p->can_refresh = true;
	p->destroy = creds_client_destroy;
	p->ctx = chain;
	return p;
}
