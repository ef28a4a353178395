/* Fuzz target: a stored `find` filter of an incident (incident.h, "Stored
 * filters"). The JSON comes from the store, but a damaged or hand-edited row
 * must give an error, never a crash. Property checked: whatever parses
 * serialises back to JSON that parses to the same serialisation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkiward/incident.h"

/* Inputs beyond this are not interesting (filters are a few hundred bytes). */
#define FILTER_FUZZ_MAX 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pw_store_filter f, g;
	struct pw_error err;
	void *o1 = NULL, *o2 = NULL;
	char *text = NULL, *j1 = NULL, *j2 = NULL, *d = NULL;

	if (size > FILTER_FUZZ_MAX || (text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (pw_incident_filter_from_json(text, &f, &o1, &err) != PW_OK)
		goto out;
	j1 = pw_incident_filter_to_json(&f);
	d = pw_incident_filter_describe(&f);
	if (j1 == NULL || d == NULL)
		goto out;
	if (pw_incident_filter_from_json(j1, &g, &o2, &err) != PW_OK)
		abort(); /* our own output must parse */
	j2 = pw_incident_filter_to_json(&g);
	if (j2 == NULL || strcmp(j1, j2) != 0)
		abort(); /* and round-trip exactly */
out:
	free(j2);
	free(j1);
	free(d);
	pw_incident_filter_release(o2);
	pw_incident_filter_release(o1);
	free(text);
	return 0;
}
