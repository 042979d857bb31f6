# Condition operators of the policy language.
