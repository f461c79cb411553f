# SPDX-License-Identifier: GPL-2.0
#
# Count the TAP results the guest printed and end with one line
# "N passed, N failed[, N skipped]".  A test binary that exits non-zero
# without reporting a failure, one that reports fewer results than its plan,
# one that reports no failure but left something behind (FUSEBPF-LEFT,
# scripts/guest-init), and a guest that never reaches FUSEBPF-END each
# count as a failure.
function section_end(name, rc) {
	if (plan > results) {
		printf("not ok - %s: %d of %d results missing\n", name, plan - results, plan)
		failed += plan - results
	} else if (rc != 0 && !section_failed) {
		printf("not ok - %s exited with status %d\n", name, rc)
		failed++
	} else if (left != "" && !section_failed) {
		printf("not ok - %s left behind:%s\n", name, left)
		failed++
	}
	plan = results = section_failed = 0
	left = ""
}
/^1\.\.[0-9]+/ { split($0, p, "."); plan = p[3] + 0 }
/^ok [0-9]+/ {
	results++
	if ($0 ~ /# SKIP/) skipped++; else passed++
}
/^not ok [0-9]+/ { results++; section_failed++; failed++ }
/^FUSEBPF-LEFT / { left = substr($0, length($1 " " $2) + 1) }
/^FUSEBPF-RC / { section_end($2, $3 + 0) }
/^FUSEBPF-END/ { ended = 1 }
END {
	if (!ended) {
		print "not ok - the guest did not finish (boot failure, panic or timeout)"
		failed++
	}
	printf("%d passed, %d failed", passed, failed)
	if (skipped)
		printf(", %d skipped", skipped)
	printf("\n")
	exit failed ? 1 : 0
}
