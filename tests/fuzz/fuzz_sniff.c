/* fuzz_sniff.c: the native-executable and class sniffers on hostile
 * content, the compound file reader most of all (its every size and
 * chain comes from the input): no crash, no hang, no read outside the
 * input. The content is given as an 8 KB head and the rest through a
 * memfd, as the walk gives a part with its copy. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "mime_sink.h"
#include "sniff_class.h"
#include "sniff_native.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qf_ole_info ole;
	size_t head = size < 8192 ? size : 8192;
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	qf_sniff_native(data, head, size, fd, &ole);
	qf_class_by_content(data, head, size, fd, &ole, "jse");
	qf_sniff_native(data, head, size, -1, &ole);
	qf_mime_sink_wants_copy(data, head);
	close(fd);
	return 0;
}
