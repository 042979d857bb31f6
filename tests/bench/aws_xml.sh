#!/bin/sh
# XML tree + policy-document decoding speed and memory on IAM pages.
exec "$top_builddir/tests/bench/bench_aws_xml"
