// SPDX-License-Identifier: GPL-2.0
/*
 * now: print the guest's monotonic time and the CPU time its processors
 * have spent running tasks, both in nanoseconds: "ELAPSED_NS BUSY_NS".
 * BUSY_NS is the sum over the processors of rq_cpu_time in /proc/schedstat
 * (CONFIG_SCHED_INFO), which counts every task but the idle one: the whole
 * system's CPU time, daemons and kernel threads included. make bench takes
 * it before and after each job.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

/* the eighth field of each "cpuN" line: rq_cpu_time */
static int busy_ns(unsigned long long *sum)
{
	unsigned long long v[7];
	char line[512];
	FILE *f = fopen("/proc/schedstat", "r");
	int cpus = 0;

	if (!f)
		return -1;
	*sum = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "cpu", 3) != 0)
			continue;
		if (sscanf(line, "%*s %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6]) != 7)
			break;
		*sum += v[6];
		cpus++;
	}
	fclose(f);
	return cpus ? 0 : -1;
}

int main(void)
{
	unsigned long long busy;
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) || busy_ns(&busy)) {
		perror("now");
		return 1;
	}
	printf("%llu %llu\n",
	       (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec,
	       busy);
	return 0;
}
