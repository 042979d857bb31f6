# SigV4 signing: sources, tests and vectors.
