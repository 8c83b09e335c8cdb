/* clamav_lib.c: libclamav in this process. Linking it would cost every
 * qfilter process ~5 ms of dynamic linking (REFERENCE.md, engine costs)
 * even when it scans through clamd, so the library is dlopen()ed by the
 * filter's init, the first time a message needs it, and its functions
 * resolved with dlsym. The header still gives the types and constants. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <clamav.h>
#include "clamav_lib.h"

struct qf_clamav_lib {
	void *dl;
	struct cl_engine *engine;
	unsigned signatures;
	__typeof__(cl_init) *init;
	__typeof__(cl_set_clcb_msg) *set_clcb_msg;
	__typeof__(cl_engine_new) *engine_new;
	__typeof__(cl_engine_free) *engine_free;
	__typeof__(cl_engine_set_num) *engine_set_num;
	__typeof__(cl_engine_get_num) *engine_get_num;
	__typeof__(cl_engine_set_str) *engine_set_str;
	__typeof__(cl_load) *load;
	__typeof__(cl_engine_compile) *engine_compile;
	__typeof__(cl_scandesc) *scandesc;
	__typeof__(cl_strerror) *strerror;
	__typeof__(cl_retver) *retver;
};

/* libclamav's own start-up is process-wide: once, even when qfilterd
 * builds a new engine on SIGHUP (in the master, one thread: no lock). */
static int clamav_lib_init_done;
static cl_error_t clamav_lib_init_rc;

/* libclamav prints to stderr by default; keep its errors (one line each,
 * in our log format) and drop its chatter about odd files. */
static void clamav_lib_log(enum cl_msg severity, const char *fullmsg,
			   const char *msg, void *context)
{
	if (severity < CL_MSG_ERROR || !msg)
		return;
	fprintf(stderr, "qfilter: warning: clamav: libclamav: %.*s\n",
		(int)strcspn(msg, "\n"), msg);
}

static int clamav_lib_resolve(struct qf_clamav_lib *lib, char *err, size_t errlen)
{
#define RESOLVE(field, sym) do { \
		*(void **)&lib->field = dlsym(lib->dl, #sym); \
		if (!lib->field) { \
			snprintf(err, errlen, "%s: no symbol %s", QF_CLAMAV_LIB_SONAME, #sym); \
			return -1; \
		} \
	} while (0)
	RESOLVE(init, cl_init);
	RESOLVE(set_clcb_msg, cl_set_clcb_msg);
	RESOLVE(engine_new, cl_engine_new);
	RESOLVE(engine_free, cl_engine_free);
	RESOLVE(engine_set_num, cl_engine_set_num);
	RESOLVE(engine_get_num, cl_engine_get_num);
	RESOLVE(engine_set_str, cl_engine_set_str);
	RESOLVE(load, cl_load);
	RESOLVE(engine_compile, cl_engine_compile);
	RESOLVE(scandesc, cl_scandesc);
	RESOLVE(strerror, cl_strerror);
	RESOLVE(retver, cl_retver);
#undef RESOLVE
	return 0;
}

static cl_error_t clamav_lib_init_once(struct qf_clamav_lib *lib)
{
	if (!clamav_lib_init_done) {
		lib->set_clcb_msg(clamav_lib_log);
		clamav_lib_init_rc = lib->init(CL_INIT_DEFAULT);
		clamav_lib_init_done = 1;
	}
	return clamav_lib_init_rc;
}

struct qf_clamav_lib *qf_clamav_lib_open(const char *dbdir, const char *tmpdir,
					 unsigned max_scan_s, char *err, size_t errlen)
{
	struct qf_clamav_lib *lib = calloc(1, sizeof *lib);
	cl_error_t rc;

	if (!lib) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lib->dl = dlopen(QF_CLAMAV_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib->dl) {
		snprintf(err, errlen, "%s", dlerror());
		free(lib);
		return NULL;
	}
	if (clamav_lib_resolve(lib, err, errlen) < 0)
		goto fail;
	rc = clamav_lib_init_once(lib);
	if (rc != CL_SUCCESS) {
		snprintf(err, errlen, "cl_init: %s", lib->strerror(rc));
		goto fail;
	}
	lib->engine = lib->engine_new();
	if (!lib->engine) {
		snprintf(err, errlen, "cl_engine_new failed");
		goto fail;
	}
	if (tmpdir && (rc = lib->engine_set_str(lib->engine, CL_ENGINE_TMPDIR, tmpdir)) != CL_SUCCESS) {
		snprintf(err, errlen, "temporary directory %s: %s", tmpdir, lib->strerror(rc));
		goto fail;
	}
	/* Keep one scan inside the message's time limit (the default is 120 s). */
	if (max_scan_s && max_scan_s < 120)
		lib->engine_set_num(lib->engine, CL_ENGINE_MAX_SCANTIME, (long long)max_scan_s * 1000);
	rc = lib->load(dbdir, lib->engine, &lib->signatures, CL_DB_STDOPT);
	if (rc != CL_SUCCESS) {
		snprintf(err, errlen, "load %s: %s", dbdir, lib->strerror(rc));
		goto fail;
	}
	if (lib->signatures == 0) {
		/* an empty database would call every message clean */
		snprintf(err, errlen, "load %s: no signatures", dbdir);
		goto fail;
	}
	rc = lib->engine_compile(lib->engine);
	if (rc != CL_SUCCESS) {
		snprintf(err, errlen, "compile %s: %s", dbdir, lib->strerror(rc));
		goto fail;
	}
	return lib;
fail:
	qf_clamav_lib_close(lib);
	return NULL;
}

void qf_clamav_lib_scan(struct qf_clamav_lib *lib, int fd, struct qf_clamav_scan *out)
{
	/* As clamd's defaults: heuristics on, every parser (mail, archives,
	 * PE, OLE2, PDF, HTML...) on, no optional heuristic alerts. */
	struct cl_scan_options opts = {
		.general = CL_SCAN_GENERAL_HEURISTICS,
		.parse = ~0u,
	};
	const char *virname = NULL;
	unsigned long scanned = 0;
	int err = 0;
	long long dbver;
	cl_error_t rc;

	memset(out, 0, sizeof *out);
	dbver = lib->engine_get_num(lib->engine, CL_ENGINE_DB_VERSION, &err);
	if (!err && dbver > 0)
		snprintf(out->engine, sizeof out->engine, "libclamav %s/%lld",
			 lib->retver(), dbver);
	else
		snprintf(out->engine, sizeof out->engine, "libclamav %s, %u signature%s",
			 lib->retver(), lib->signatures, lib->signatures == 1 ? "" : "s");
	rc = lib->scandesc(fd, NULL, &virname, &scanned, lib->engine, &opts);
	if (rc == CL_VIRUS) {
		out->status = QF_CLAMAV_FOUND;
		snprintf(out->name, sizeof out->name, "%s", virname ? virname : "unnamed");
	} else if (rc == CL_CLEAN) {
		out->status = QF_CLAMAV_CLEAN;
	} else {
		out->status = QF_CLAMAV_ERROR;
		snprintf(out->detail, sizeof out->detail, "libclamav: %s", lib->strerror(rc));
	}
}

/* The library stays mapped: unloading libclamav while its threads or
 * atexit handlers may still refer to it is not worth the memory. */
void qf_clamav_lib_close(struct qf_clamav_lib *lib)
{
	if (!lib)
		return;
	if (lib->engine)
		lib->engine_free(lib->engine);
	free(lib);
}
