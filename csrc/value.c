/* dk_value: the body as received, parsed with json-c only when read. */
#include "value_int.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/json_pointer.h>

#include "errors_int.h"

struct dk_value {
	char *body;
	size_t len;
	json_object *root;
	int parsed; /* 0 not yet, 1 parsed (root may be NULL if not JSON) */
};

dk_value *dk__value_take(char *body, size_t len)
{
	dk_value *v = calloc(1, sizeof(*v));

	if (!v) {
		free(body);
		return NULL;
	}
	v->body = body;
	v->len = len;
	return v;
}

const char *dk_value_body(const dk_value *v, size_t *len)
{
	if (len)
		*len = v ? v->len : 0;
	return v ? v->body : NULL;
}

static json_object *root_of(dk_value *v)
{
	if (!v->parsed) {
		json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
		v->parsed = 1;
		if (tok) {
			v->root = json_tokener_parse_ex(tok, v->body, (int)v->len);
			if (json_tokener_get_error(tok) != json_tokener_success) {
				json_object_put(v->root);
				v->root = NULL;
			}
			json_tokener_free(tok);
		}
	}
	return v->root;
}

static json_object *at(dk_value *v, const char *pointer, int *found)
{
	json_object *root, *res = NULL;

	*found = 0;
	if (!v)
		return NULL;
	root = root_of(v);
	if (!root && !v->parsed)
		return NULL;
	if (!pointer || !*pointer) {
		*found = root != NULL || (v->len == 4 && !memcmp(v->body, "null", 4));
		return root;
	}
	if (!root)
		return NULL;
	if (json_pointer_get(root, pointer, &res) != 0)
		return NULL;
	*found = 1;
	return res;
}

int dk_value_type(dk_value *v, const char *pointer)
{
	int found;
	json_object *o = at(v, pointer, &found);

	if (!found)
		return DK_JSON_MISSING;
	switch (json_object_get_type(o)) {
	case json_type_null: return DK_JSON_NULL;
	case json_type_boolean: return DK_JSON_BOOL;
	case json_type_double:
	case json_type_int: return DK_JSON_NUMBER;
	case json_type_string: return DK_JSON_STRING;
	case json_type_array: return DK_JSON_ARRAY;
	case json_type_object: return DK_JSON_OBJECT;
	}
	return DK_JSON_MISSING;
}

const char *dk_value_get_string(dk_value *v, const char *pointer)
{
	int found;
	json_object *o = at(v, pointer, &found);

	if (!o || !json_object_is_type(o, json_type_string))
		return NULL;
	return json_object_get_string(o);
}

int dk_value_get_int(dk_value *v, const char *pointer, int64_t *out)
{
	int found;
	json_object *o = at(v, pointer, &found);

	if (!o || !(json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double)))
		return dk__err(DK_EINVAL, 0, 0, "no number at JSON pointer '%s'", pointer ? pointer : "");
	*out = json_object_get_int64(o);
	return 0;
}

int dk_value_get_bool(dk_value *v, const char *pointer, int *out)
{
	int found;
	json_object *o = at(v, pointer, &found);

	if (!o || !json_object_is_type(o, json_type_boolean))
		return dk__err(DK_EINVAL, 0, 0, "no boolean at JSON pointer '%s'", pointer ? pointer : "");
	*out = json_object_get_boolean(o) ? 1 : 0;
	return 0;
}

int64_t dk_value_count(dk_value *v, const char *pointer)
{
	int found;
	json_object *o = at(v, pointer, &found);

	if (o && json_object_is_type(o, json_type_array))
		return (int64_t)json_object_array_length(o);
	if (o && json_object_is_type(o, json_type_object))
		return (int64_t)json_object_object_length(o);
	return -1;
}

const char *dk_value_key_at(dk_value *v, const char *pointer, size_t index)
{
	int found;
	size_t i = 0;
	json_object *o = at(v, pointer, &found);

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (i++ == index)
			return key;
	}
	return NULL;
}

void dk_value_free(dk_value *v)
{
	if (!v)
		return;
	json_object_put(v->root);
	free(v->body);
	free(v);
}
