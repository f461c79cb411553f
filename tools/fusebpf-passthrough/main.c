// SPDX-License-Identifier: GPL-2.0
/*
 * fusebpf-passthrough: the command. It checks its arguments, loads the
 * module if it must, loads the filter, mounts SOURCE on MOUNTPOINT with a
 * backed root, goes to the background once the mount is up, serves what
 * the filter forwards until the mount goes or a signal comes, and then
 * unmounts.
 *
 * Every error before the mount is up is one line on standard error and
 * exit status 1 (2 for a command line it cannot parse), with nothing
 * mounted and nothing left running.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <bpf/libbpf.h>

#include "passthrough.h"
#include "fusebpf.h"

#ifndef PT_VERSION
#define PT_VERSION	"0.1"
#endif

/**
 * struct pt_args - what the command line says
 * @source: the backing directory
 * @mountpoint: where it is mounted
 * @filter: the filter object file, or NULL
 * @root_filter: -o root_filter, or NULL
 * @mount_opts: the -o options passed on to the mount, comma separated
 * @fsname: -o fsname, or NULL for SOURCE's absolute path
 * @subtype: -o subtype
 * @stats: -o stats was given
 * @stats_path: -o stats=FILE, or NULL for standard error
 * @timeout: -o timeout
 * @threads: -o threads, 0 for the library's default
 * @foreground: -f (or -d)
 * @debug: -d
 * @single: -s
 */
struct pt_args {
	const char *source;
	const char *mountpoint;
	const char *filter;
	char *root_filter;
	char *mount_opts;
	char *fsname;
	char *subtype;
	bool stats;
	char *stats_path;
	double timeout;
	unsigned int threads;
	bool foreground;
	bool debug;
	bool single;
};

static const char pt_usage[] =
"Usage: " PT_NAME " [-o OPTIONS] [--filter FILE.bpf.o] [-f] [-d] [-s]\n"
"                           SOURCE MOUNTPOINT\n"
"\n"
"Mount the directory SOURCE on MOUNTPOINT through fuse-bpf (fuse_bpf.ko,\n"
"/dev/fuse-bpf). The root of the mount is backed by SOURCE: the kernel\n"
"serves the whole tree from it, under the BPF filter FILE if one is\n"
"given. What the filter forwards to the daemon (FUSE_BPF_USER), the\n"
"daemon serves from SOURCE, as a FUSE passthrough does. Without a\n"
"filter the daemon receives next to no requests.\n"
"\n"
"Options:\n"
"  -o OPT[,OPT...]   mount options, below; -o may be repeated\n"
"  --filter FILE     load the BPF object FILE (struct_ops fuse_ops\n"
"                    instances, clang -target bpf) and register its\n"
"                    instances for the mount; one of them filters the\n"
"                    root and, by inheritance, the tree\n"
"  -f                stay in the foreground\n"
"  -d                debug: print every request; implies -f\n"
"  -s                single-threaded (default: multi-threaded)\n"
"  -h, --help        print this help and exit\n"
"  -V, --version     print the version and exit\n"
"\n"
"Options of " PT_NAME " (-o):\n"
"  root_filter=NAME  the filter instance (its \"name\" member) of FILE\n"
"                    that filters the root; needed if FILE has several\n"
"                    (default: FILE's only instance)\n"
"  stats[=FILE]      count the requests the daemon receives; write the\n"
"                    counts (\"NAME COUNT\" lines, then \"total COUNT\")\n"
"                    to FILE, or to standard error, on SIGUSR1 and at\n"
"                    exit\n"
"  threads=N         serve with N threads (default: the library's)\n"
"  timeout=SECS      entry and attribute timeout of the daemon's\n"
"                    replies (default: 1)\n"
"  fsname=NAME       the source shown in /proc/mounts (default: the\n"
"                    absolute path of SOURCE)\n"
"  subtype=NAME      the type is fusebpf.NAME (default: passthrough)\n"
"\n"
"Every other -o option is passed on to the mount: the FUSE options\n"
"allow_other, default_permissions and max_read=N, and ro, sync,\n"
"dirsync, lazytime. The mount is always nosuid and nodev. With\n"
"allow_other, give default_permissions too, so that the kernel checks\n"
"the callers' permissions on what the daemon serves.\n"
"\n"
"Needs CAP_SYS_ADMIN (a backed root does). If /dev/fuse-bpf is missing,\n"
"runs \"modprobe fuse_bpf\" first. In the background, exits when the\n"
"mount is unmounted (umount MOUNTPOINT), or unmounts and exits on\n"
"SIGTERM, SIGINT or SIGHUP.\n"
"\n"
"Exit status: 0 once unmounted (or for --help, --version); 1 if SOURCE,\n"
"MOUNTPOINT or FILE is unusable, the module cannot be loaded or the\n"
"mount fails, with one message on standard error and nothing mounted;\n"
"2 for a command line that cannot be parsed. In the background, the\n"
"command returns once the mount is up.\n"
"\n"
"Examples:\n"
"  " PT_NAME " /srv/data /mnt/data\n"
"  " PT_NAME " -o allow_other,default_permissions /srv/data /mnt/data\n"
"  " PT_NAME " --filter audit.bpf.o -o root_filter=audit,stats=/run/s \\\n"
"      /srv/data /mnt/data; kill -USR1 $(pidof " PT_NAME "); cat /run/s\n"
"  umount /mnt/data\n";

static void pt_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PT_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void pt_usage_error(const char *what)
{
	pt_error("%s (see " PT_NAME " --help)", what);
	exit(2);
}

/* An errno, libbpf's own included, as a message. */
static const char *pt_strerror(int err, char *buf, size_t size)
{
	if (err < 0)
		err = -err;
	if (libbpf_strerror(err, buf, size))
		snprintf(buf, size, "%s", strerror(err));
	return buf;
}

static void pt_fail(const char *what, int err)
{
	char buf[128];

	pt_error("%s: %s", what, pt_strerror(err, buf, sizeof(buf)));
}

/* Append @opt to the comma-separated list @list. */
static char *pt_append(char *list, const char *opt)
{
	char *s;

	if (asprintf(&s, "%s%s%s", list ?: "", list ? "," : "", opt) < 0) {
		pt_error("%s", strerror(ENOMEM));
		exit(1);
	}
	free(list);
	return s;
}

/* Whether the option @opt, of key length @klen, is @key. */
static bool pt_is(const char *opt, size_t klen, const char *key)
{
	return klen == strlen(key) && !strncmp(opt, key, klen);
}

/* Take one -o option: the command's own, or one for the mount. */
static void pt_parse_opt(struct pt_args *a, char *opt)
{
	size_t klen = strcspn(opt, "=");
	char *v = opt[klen] ? opt + klen + 1 : NULL;
	unsigned long n;
	char *end;

	if (pt_is(opt, klen, "root_filter")) {
		if (!v || !*v || strlen(v) >= FUSE_BPF_NAME_LEN)
			pt_usage_error("root_filter=NAME: a name of 1 to 15 characters");
		a->root_filter = v;
	} else if (pt_is(opt, klen, "stats")) {
		if (v && !*v)
			pt_usage_error("stats=FILE: no FILE");
		a->stats = true;
		a->stats_path = v;
	} else if (pt_is(opt, klen, "threads")) {
		n = v ? strtoul(v, &end, 10) : 0;
		if (!v || !*v || *end || !n || n > 256)
			pt_usage_error("threads=N: a number from 1 to 256");
		a->threads = n;
	} else if (pt_is(opt, klen, "timeout")) {
		a->timeout = v ? strtod(v, &end) : -1;
		if (!v || !*v || *end || !(a->timeout >= 0))
			pt_usage_error("timeout=SECS: a number of seconds");
	} else if (pt_is(opt, klen, "fsname")) {
		if (!v)
			pt_usage_error("fsname=NAME: no NAME");
		a->fsname = v;
	} else if (pt_is(opt, klen, "subtype")) {
		if (!v || !*v)
			pt_usage_error("subtype=NAME: no NAME");
		a->subtype = v;
	} else if (*opt) {
		a->mount_opts = pt_append(a->mount_opts, opt);
	}
}

/* Split one -o argument; @list is kept, its options point into it. */
static void pt_parse_opts(struct pt_args *a, char *list)
{
	char *opt, *save;

	for (opt = strtok_r(list, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save))
		pt_parse_opt(a, opt);
}

static void pt_parse_args(struct pt_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	char bad[64];
	int c;

	opterr = 0;
	a->timeout = 1.0;
	a->subtype = "passthrough";
	while ((c = getopt_long(argc, argv, "+o:fdshV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			pt_parse_opts(a, optarg);
			break;
		case 'F':
			a->filter = optarg;
			break;
		case 'f':
			a->foreground = true;
			break;
		case 'd':
			a->debug = true;
			a->foreground = true;
			break;
		case 's':
			a->single = true;
			break;
		case 'h':
			fputs(pt_usage, stdout);
			exit(0);
		case 'V':
			printf("%s %s (libfuse %s, libbpf %s)\n", PT_NAME,
			       PT_VERSION, fuse_pkgversion(),
			       libbpf_version_string());
			exit(0);
		case '?':
			if (optopt && optopt != 'F')
				snprintf(bad, sizeof(bad), "-%c", optopt);
			else
				snprintf(bad, sizeof(bad), "%s",
					 argv[optind - 1]);
			pt_error("%s: unknown option, or one without its argument (see "
				 PT_NAME " --help)", bad);
			exit(2);
		}
	}
	if (argc - optind != 2)
		pt_usage_error("needs SOURCE and MOUNTPOINT");
	a->source = argv[optind];
	a->mountpoint = argv[optind + 1];
	if (a->root_filter && !a->filter)
		pt_usage_error("root_filter needs --filter");
}

/* libbpf speaks only with -d: the errors are the command's to say. */
static int pt_libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	return 0;
}

/**
 * pt_load_module - make sure /dev/fuse-bpf is there
 *
 * Runs "modprobe fuse_bpf" if it is not, quietly.
 *
 * Return: 0 or a negative errno.
 */
static int pt_load_module(void)
{
	int status, fd;
	pid_t pid;

	if (!access(FUSE_BPF_DEVICE, F_OK))
		return 0;
	if (errno != ENOENT)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("modprobe", "modprobe", "fuse_bpf", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return access(FUSE_BPF_DEVICE, F_OK) ? -ENOENT : 0;
}

/* The mount point must be a directory the caller can reach. */
static int pt_check_mountpoint(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* How many filter instances (struct_ops maps) the filter has. */
static int pt_filter_instances(struct fusebpf_filter *f)
{
	struct bpf_object *obj = fusebpf_filter_object(f);
	struct bpf_map *map;
	int n = 0;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			n++;
	return n;
}

/*
 * The filter must be a file, checked before the module is loaded, which
 * loading the filter needs: the library's ENOENT is for an object without
 * instances.
 */
static int pt_check_filter(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		pt_fail(path, errno);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		pt_error("%s: not a BPF object file", path);
		return 1;
	}
	return 0;
}

/**
 * pt_open_filter - load the filter and check that the root can have one
 * @a: the arguments
 * @filter: set to the filter
 *
 * Return: 0, or 1 after saying why not.
 */
static int pt_open_filter(const struct pt_args *a,
			  struct fusebpf_filter **filter)
{
	struct fusebpf_filter *f;
	int n;

	errno = 0;
	f = fusebpf_filter_open(a->filter);
	if (!f) {
		if (errno == ENOENT)
			pt_error("%s: no struct_ops fuse_ops instance",
				 a->filter);
		else
			pt_fail(a->filter, errno ? errno : EINVAL);
		return 1;
	}
	n = pt_filter_instances(f);
	if (a->root_filter &&
	    fusebpf_filter_link_fd(f, a->root_filter) < 0) {
		pt_error("%s: no filter instance named %s", a->filter,
			 a->root_filter);
	} else if (n > 1 && !a->root_filter) {
		pt_error("%s: %d filter instances: name the root's with -o root_filter=NAME",
			 a->filter, n);
	} else {
		*filter = f;
		return 0;
	}
	fusebpf_filter_close(f);
	return 1;
}

/**
 * pt_serve - serve the mount until it goes
 * @se: the session
 * @fs: the daemon's state
 * @a: the arguments
 *
 * Return: what the session loop returned.
 */
static int pt_serve(struct fuse_session *se, struct pt_fs *fs,
		    const struct pt_args *a)
{
	struct fusebpf_loop_ops ops = {};

	if (fs->stats || fs->debug)
		ops.request = pt_stats_request;
	/* the kernel applied the caller's umask to what the daemon makes */
	umask(0);
	if (a->single)
		return fusebpf_session_loop(se, &ops, fs);
	return fusebpf_session_loop_mt(se, &ops, fs, a->threads);
}

static int pt_run(struct pt_args *a, struct pt_fs *fs)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fusebpf_mount_opts opts = {
		.root = a->source,
		.root_filter = a->root_filter,
		.options = a->mount_opts,
		.fsname = a->fsname,
		.subtype = a->subtype,
	};
	struct fusebpf_filter *filter = NULL;
	struct fusebpf_mount *mount;
	struct fuse_session *se;
	char what[PATH_MAX + 32];
	int ret, status = 1;

	ret = pt_check_mountpoint(a->mountpoint);
	if (ret) {
		pt_fail(a->mountpoint, ret);
		return 1;
	}
	if (a->filter && pt_check_filter(a->filter))
		return 1;
	ret = pt_load_module();
	if (ret) {
		pt_error("%s: %s (modprobe fuse_bpf did not load the module)",
			 FUSE_BPF_DEVICE, strerror(-ret));
		return 1;
	}
	if (a->filter && pt_open_filter(a, &filter))
		return 1;
	opts.filter = filter;
	se = NULL;
	if (!fuse_opt_add_arg(&args, PT_NAME) &&
	    (!a->debug || !fuse_opt_add_arg(&args, "-d")))
		se = fuse_session_new(&args, &pt_ops, sizeof(pt_ops), fs);
	fuse_opt_free_args(&args);
	if (!se) {
		pt_error("cannot start a FUSE session");
		goto out_filter;
	}
	ret = fusebpf_mount(se, a->mountpoint, &opts, &mount);
	if (ret) {
		snprintf(what, sizeof(what), "mount %s on %s", a->source,
			 a->mountpoint);
		pt_fail(what, ret);
		goto out_session;
	}
	if (fuse_set_signal_handlers(se)) {
		pt_error("cannot set the signal handlers");
		goto out_unmount;
	}
	if (fuse_daemonize(a->foreground)) {
		pt_error("cannot go to the background");
		goto out_signals;
	}
	if (fs->stats) {
		ret = pt_stats_start(fs->stats);
		if (ret)
			pt_fail("stats", ret);
	}
	ret = pt_serve(se, fs, a);
	if (ret < 0)
		pt_fail(a->mountpoint, ret);
	else
		status = 0;
out_signals:
	fuse_remove_signal_handlers(se);
out_unmount:
	/* no error if the mount is gone already (umount MOUNTPOINT) */
	ret = fusebpf_unmount(mount);
	if (ret) {
		pt_fail(a->mountpoint, ret);
		status = 1;
	}
out_session:
	fuse_session_destroy(se);
out_filter:
	if (filter)
		fusebpf_filter_close(filter);
	return status;
}

/* @path made absolute, allocated; NULL if no memory. */
static char *pt_abs_path(const char *path)
{
	char *cwd, *abs;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd || asprintf(&abs, "%s/%s", cwd, path) < 0)
		abs = NULL;
	free(cwd);
	return abs;
}

int main(int argc, char **argv)
{
	struct pt_args a = {};
	struct pt_stats *stats = NULL;
	char *abs_stats = NULL, *abs_source = NULL;
	struct pt_fs *fs;
	int ret, status;

	pt_parse_args(&a, argc, argv);
	if (!a.debug)
		libbpf_set_print(pt_libbpf_quiet);
	fs = calloc(1, sizeof(*fs));
	if (!fs) {
		pt_error("%s", strerror(ENOMEM));
		return 1;
	}
	ret = pt_nodes_init(&fs->nodes, a.source);
	if (ret) {
		pt_fail(a.source, ret);
		return 1;
	}
	fs->timeout = a.timeout;
	fs->debug = a.debug;
	fs->as_caller = geteuid() == 0;
	if (a.stats) {
		stats = calloc(1, sizeof(*stats));
		/* the daemon's working directory will be / */
		if (stats && a.stats_path)
			stats->path = abs_stats = pt_abs_path(a.stats_path);
		if (!stats || (a.stats_path && !abs_stats)) {
			pt_error("%s", strerror(ENOMEM));
			return 1;
		}
		fs->stats = stats;
	}
	if (!a.fsname) {
		abs_source = realpath(a.source, NULL);
		a.fsname = abs_source ?: (char *)a.source;
	}
	status = pt_run(&a, fs);
	if (stats && !status) {
		ret = pt_stats_write(stats);
		if (ret)
			pt_fail(stats->path ?: "stats", ret);
	}
	pt_nodes_destroy(&fs->nodes);
	free(stats);
	free(abs_stats);
	free(abs_source);
	free(a.mount_opts);
	free(fs);
	return status;
}
