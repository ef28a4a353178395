/* incident/: private helpers shared by incident*.c. */
#ifndef PW_INCIDENT_INTERNAL_H
#define PW_INCIDENT_INTERNAL_H

#include "pkiward/events.h"
#include "pkiward/incident.h"

/* Item kinds of the incident store area (store_incident.h). */
#define PW_INCIDENT_ITEM_ROOT_CAUSE "root_cause"
#define PW_INCIDENT_ITEM_LESSON "lesson"
#define PW_INCIDENT_ITEM_ACTION "action"
#define PW_INCIDENT_ITEM_QUERY "query"
#define PW_INCIDENT_ITEM_REPORT "report"
#define PW_INCIDENT_ITEM_EVENT "event"
#define PW_INCIDENT_ITEM_RELATED "related"
#define PW_INCIDENT_ITEM_QUESTION "question"
#define PW_INCIDENT_ITEM_POST "post"
#define PW_INCIDENT_ITEM_NOTE "note"

/* "incident:<id>" into out; returns out. */
char *pw_incident_subject(int64_t id, char out[PW_EVENTS_SUBJECT_MAX]);

/* "aware", "start", ... (the payload names of "incident.time" events). */
const char *pw_incident_time_name(enum pw_store_incident_time w);

#endif
