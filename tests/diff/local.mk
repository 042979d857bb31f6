# Differential tests against @cloud-copilot/iam-simulate, fuzzing and policy benchmarks.
