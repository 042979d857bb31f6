# src/collect: the snapshot model and the collectors that fill it, live
# (IAM, Organizations, EC2 through src/aws) or offline from AWS CLI dumps
# (issue 5).
noinst_LIBRARIES += libpra_collect.a
PRA_LIBS += libpra_collect.a
libpra_collect_a_SOURCES = \
	src/collect/snapshot.c src/collect/snapshot.h
