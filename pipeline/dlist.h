/* dlist: intrusive doubly-linked lists for structs that carry their own
 * `prev` and `next` pointers (connection lists of the network inputs).
 * head and tail are lvalues of the element pointer type. Not thread-safe. */
#ifndef LP_PIPELINE_DLIST_H
#define LP_PIPELINE_DLIST_H

#include <stddef.h>

/* Appends node at the tail. */
#define LP_DLIST_APPEND(head, tail, node)          \
	do {                                       \
		(node)->next = NULL;               \
		(node)->prev = (tail);             \
		if (tail)                          \
			(tail)->next = (node);     \
		else                               \
			(head) = (node);           \
		(tail) = (node);                   \
	} while (0)

/* Removes node from the list; its links are cleared. */
#define LP_DLIST_UNLINK(head, tail, node)                  \
	do {                                               \
		if ((node)->prev)                          \
			(node)->prev->next = (node)->next; \
		else                                       \
			(head) = (node)->next;             \
		if ((node)->next)                          \
			(node)->next->prev = (node)->prev; \
		else                                       \
			(tail) = (node)->prev;             \
		(node)->prev = (node)->next = NULL;        \
	} while (0)

#endif
