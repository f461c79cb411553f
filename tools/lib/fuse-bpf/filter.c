// SPDX-License-Identifier: LGPL-2.1
/*
 * libfusebpf: filters, the attached struct_ops fuse_ops instances of a BPF
 * object, and their registration for a connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/fuse_bpf.h>

#include "internal.h"

/**
 * struct fusebpf_instance - one attached fuse_ops instance
 * @link: its struct_ops link
 * @name: the instance's name (the "name" member of the struct_ops map)
 */
struct fusebpf_instance {
	struct bpf_link *link;
	char name[FUSE_BPF_NAME_LEN];
};

/**
 * struct fusebpf_filter - a BPF object and its attached fuse_ops instances
 * @obj: the object
 * @owned: whether fusebpf_filter_close() destroys @obj and the links
 * @count: number of @inst
 * @inst: the instances
 */
struct fusebpf_filter {
	struct bpf_object *obj;
	bool owned;
	unsigned int count;
	struct fusebpf_instance inst[];
};

/*
 * The "name" member of struct_ops map @map of @obj, as user space set it before the
 * load (libbpf keeps it in the map's initial value): 0, or -ENOENT if the
 * map's type has no such member.
 */
static int instance_name(const struct bpf_object *obj,
			 const struct bpf_map *map, char *name)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_member *m;
	const struct btf_type *t;
	const char *value;
	size_t size, off;
	int i;

	t = btf ? btf__type_by_id(btf, bpf_map__btf_value_type_id(map)) : NULL;
	value = bpf_map__initial_value(map, &size);
	if (!t || !value || !btf_is_struct(t))
		return -ENOENT;
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "name"))
			continue;
		off = btf_member_bit_offset(t, i) / 8;
		if (off + FUSE_BPF_NAME_LEN > size)
			return -ENOENT;
		memcpy(name, value + off, FUSE_BPF_NAME_LEN);
		name[FUSE_BPF_NAME_LEN - 1] = '\0';
		return 0;
	}
	return -ENOENT;
}

static struct fusebpf_filter *filter_alloc(struct bpf_object *obj,
					   unsigned int maps)
{
	struct fusebpf_filter *f;

	f = calloc(1, sizeof(*f) + maps * sizeof(f->inst[0]));
	if (f)
		f->obj = obj;
	return f;
}

/* Add the instance of @map, attached as @link, to @f. */
static void filter_add(struct fusebpf_filter *f, const struct bpf_map *map,
		       struct bpf_link *link)
{
	struct fusebpf_instance *in = &f->inst[f->count];

	if (instance_name(f->obj, map, in->name))
		snprintf(in->name, sizeof(in->name), "%s", bpf_map__name(map));
	in->link = link;
	f->count++;
}

/**
 * fusebpf_filter_open() - load a BPF object file and attach its filters
 * @path: the object file (clang -target bpf output)
 *
 * Opens and loads the object and attaches every struct_ops map in it
 * (each a fuse_ops instance, declared in SEC(".struct_ops.link")). The
 * instances run for no mount until fusebpf_filter_register() or
 * fusebpf_mount() registers them. libbpf prints its diagnostics through
 * its print callback (libbpf_set_print()).
 *
 * Return: the filter, to be freed with fusebpf_filter_close(); NULL with
 * errno set on failure (EINVAL for a NULL @path, ENOENT for an object
 * without a struct_ops map, else what libbpf or the kernel said), in
 * which case nothing stays loaded.
 */
struct fusebpf_filter *fusebpf_filter_open(const char *path)
{
	struct fusebpf_filter *f = NULL;
	struct bpf_object *obj;
	struct bpf_map *map;
	unsigned int maps = 0;
	int err;

	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return NULL;
	err = bpf_object__load(obj);
	if (err)
		goto fail;
	bpf_object__for_each_map(map, obj)
		maps += bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS;
	err = -ENOENT;
	if (!maps)
		goto fail;
	err = -ENOMEM;
	f = filter_alloc(obj, maps);
	if (!f)
		goto fail;
	f->owned = true;
	bpf_object__for_each_map(map, obj) {
		struct bpf_link *link;

		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		link = bpf_map__attach_struct_ops(map);
		if (!link) {
			err = -errno;
			goto fail;
		}
		filter_add(f, map, link);
	}
	return f;
fail:
	fusebpf_filter_close(f);
	if (!f)
		bpf_object__close(obj);
	errno = -err;
	return NULL;
}

/**
 * fusebpf_filter_from_skeleton() - the filters of a loaded skeleton
 * @skel: a skeleton (bpftool gen skeleton) that the caller opened, loaded
 *	and attached (NAME__open_and_load(), NAME__attach()): its
 *	->skeleton member
 *
 * The filter takes the struct_ops maps of @skel that have a link, and
 * does not take ownership of anything: the skeleton stays the caller's,
 * who destroys it after fusebpf_filter_close(); a link the caller
 * destroys meanwhile ends that instance (nodes using it fail with
 * ENOTCONN).
 *
 * Return: the filter, NULL with errno set on failure (EINVAL for a
 * skeleton not loaded, ENOENT for one without an attached struct_ops
 * map, ENOMEM).
 */
struct fusebpf_filter *fusebpf_filter_from_skeleton(
	const struct bpf_object_skeleton *skel)
{
	const struct bpf_map_skeleton *m;
	struct fusebpf_filter *f;
	int i, maps = 0;

	if (!skel || !skel->obj || !*skel->obj || !skel->maps ||
	    skel->map_skel_sz < (int)sizeof(*m)) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < skel->map_cnt; i++) {
		m = (const void *)((const char *)skel->maps +
				   i * skel->map_skel_sz);
		maps += m->link && *m->link && m->map && *m->map;
	}
	if (!maps) {
		errno = ENOENT;
		return NULL;
	}
	f = filter_alloc(*skel->obj, maps);
	if (!f)
		return NULL;
	for (i = 0; i < skel->map_cnt; i++) {
		m = (const void *)((const char *)skel->maps +
				   i * skel->map_skel_sz);
		if (m->link && *m->link && m->map && *m->map)
			filter_add(f, *m->map, *m->link);
	}
	return f;
}

/**
 * fusebpf_filter_object() - the BPF object of a filter
 * @f: the filter
 *
 * For the object's maps and global data (bpf_object__find_map_by_name()).
 *
 * Return: the object, which stays @f's (or the skeleton's); NULL for a
 * NULL @f.
 */
struct bpf_object *fusebpf_filter_object(const struct fusebpf_filter *f)
{
	return f ? f->obj : NULL;
}

/**
 * fusebpf_filter_link_fd() - the link of a filter's instance, by name
 * @f: the filter
 * @name: the instance's name (the "name" member of its fuse_ops map)
 *
 * Return: the descriptor of the instance's struct_ops link, which stays
 * @f's; -EINVAL for a NULL argument, -ENOENT if @f has no such instance.
 */
int fusebpf_filter_link_fd(const struct fusebpf_filter *f, const char *name)
{
	unsigned int i;

	if (!f || !name)
		return -EINVAL;
	for (i = 0; i < f->count; i++)
		if (!strncmp(f->inst[i].name, name, FUSE_BPF_NAME_LEN))
			return bpf_link__fd(f->inst[i].link);
	return -ENOENT;
}

/**
 * fusebpf_filter_instances() - how many instances a filter has
 * @f: the filter, not NULL
 *
 * Return: the number, at least 1.
 */
unsigned int fusebpf_filter_instances(const struct fusebpf_filter *f)
{
	return f->count;
}

/**
 * fusebpf_filter_nth_link() - the link descriptor of instance @i
 * @f: the filter, not NULL
 * @i: below fusebpf_filter_instances()
 *
 * Return: the descriptor.
 */
int fusebpf_filter_nth_link(const struct fusebpf_filter *f, unsigned int i)
{
	return bpf_link__fd(f->inst[i].link);
}

/**
 * fusebpf_filter_register_dev() - register instances on a device descriptor
 * @dev: the connection's FUSE_BPF_DEVICE descriptor
 * @f: the filter, not NULL
 * @skip_fd: a link descriptor not to register (registered otherwise), or -1
 *
 * Return: 0, or the negative errno of the first registration that failed;
 * those before it stay.
 */
int fusebpf_filter_register_dev(int dev, const struct fusebpf_filter *f,
				int skip_fd)
{
	unsigned int i;

	for (i = 0; i < f->count; i++) {
		__u32 fd = bpf_link__fd(f->inst[i].link);

		if ((int)fd == skip_fd)
			continue;
		if (ioctl(dev, FUSE_BPF_DEV_IOC_FILTER, &fd))
			return -errno;
	}
	return 0;
}

/**
 * fusebpf_filter_register() - register a filter's instances for a session
 * @se: the session, mounted
 * @f: the filter
 *
 * Registers every instance of @f for @se's connection
 * (FUSE_BPF_DEV_IOC_FILTER), so that LOOKUP replies may name them
 * (fusebpf_reply_entry() with FUSE_BPF_OPS_NAME). Needs CAP_SYS_ADMIN. An
 * instance stays registered until its link goes (fusebpf_filter_close(),
 * or the loader's exit) or the connection ends.
 *
 * The kernel has no way to withdraw a registration: if one fails, those
 * before it stay until their link or the connection goes, and cannot be
 * rolled back.
 *
 * Return: 0, -EINVAL for a NULL argument, -EBADF for a session that is not
 * mounted, or the negative errno of the registration that failed: -EPERM
 * without CAP_SYS_ADMIN, -EEXIST while an instance of the same name is
 * registered for the connection, -EINVAL for a link that is not of an
 * attached fuse_ops instance.
 */
int fusebpf_filter_register(struct fuse_session *se,
			    const struct fusebpf_filter *f)
{
	int dev;

	if (!se || !f)
		return -EINVAL;
	dev = fuse_session_fd(se);
	if (dev < 0)
		return -EBADF;
	return fusebpf_filter_register_dev(dev, f, -1);
}

/**
 * fusebpf_filter_close() - let go of a filter
 * @f: the filter, or NULL (nothing done)
 *
 * For fusebpf_filter_open()'s filters, destroys the links and closes the
 * object: the instances end, and the nodes that use them fail with
 * ENOTCONN from then on. For fusebpf_filter_from_skeleton()'s, frees only
 * what the library allocated: the skeleton stays as it is.
 */
void fusebpf_filter_close(struct fusebpf_filter *f)
{
	unsigned int i;

	if (!f)
		return;
	if (f->owned) {
		for (i = 0; i < f->count; i++)
			bpf_link__destroy(f->inst[i].link);
		bpf_object__close(f->obj);
	}
	free(f);
}
