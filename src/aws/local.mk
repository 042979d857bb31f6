# src/aws: SigV4, HTTP transport, protocols, credentials and API clients.
# Each part appends its sources from its own fragment (sigv4.mk, transport.mk,
# creds/local.mk).
noinst_LIBRARIES += libpra_aws.a
PRA_LIBS += libpra_aws.a
libpra_aws_a_SOURCES =
include src/aws/sigv4.mk
include src/aws/transport.mk
# The credential chain and cache, the shared-file reader; the sources
# themselves are in src/aws/creds/.
libpra_aws_a_SOURCES += \
	src/aws/ini.c src/aws/ini.h \
	src/aws/credentials.c src/aws/credentials.h
include src/aws/creds/local.mk
