# src/policy: the IAM policy language and evaluation chain (issue 4).
