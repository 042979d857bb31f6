# src/aws: SigV4, HTTP transport, protocols, credentials and API clients.
# Each part appends its sources from its own fragment (sigv4.mk, transport.mk).
noinst_LIBRARIES += libpra_aws.a
PRA_LIBS += libpra_aws.a
libpra_aws_a_SOURCES =
include src/aws/sigv4.mk
include src/aws/transport.mk
include src/aws/creds.mk
