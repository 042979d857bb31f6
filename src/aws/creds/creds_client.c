#include "config.h"

#include "aws/creds/creds_client.h"

#include <stdlib.h>
#include <string.h>

#include "util/secret.h"

static int
creds_client_get(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return creds_provider_get(self->ctx, out, e);
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
