# Policy parsing, matching, variables, evaluation chain and explanations.
