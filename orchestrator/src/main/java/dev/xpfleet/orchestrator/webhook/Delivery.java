package dev.xpfleet.orchestrator.webhook;

import tools.jackson.databind.JsonNode;

/** One verified delivery, with the fields intake looks at. Text fields are untrusted. */
record Delivery(String id, String event, JsonNode payload) {

    String action() {
        return text(payload, "action");
    }

    String repository() {
        return text(payload.path("repository"), "full_name");
    }

    String sender() {
        return text(payload.path("sender"), "login");
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.asString() : null;
    }
}
