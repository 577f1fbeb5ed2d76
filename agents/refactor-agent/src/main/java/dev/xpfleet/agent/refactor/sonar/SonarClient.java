package dev.xpfleet.agent.refactor.sonar;

import dev.xpfleet.agent.refactor.rank.Hotspot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SonarQube's Web API, read only, with a user token (sent as the Basic user name, as SonarQube
 * expects; never logged): {@code api/issues/search} (code smells, bugs, vulnerabilities; the
 * security-hotspot rules come back there too), {@code api/hotspots/search} (deprecated since
 * 2026.4: an empty, 404 or 410 answer is no hotspots) and {@code api/measures/component}. Pages
 * are followed to the end (or SonarQube's 10,000-result limit); any other answer, a timeout or a
 * body that is not the API's is a {@link SonarException} naming what failed.
 */
public final class SonarClient {

    /** SonarQube refuses to page past this many results. */
    static final int RESULT_LIMIT = 10_000;

    static final int PAGE_SIZE = 500;

    /** The measures a scan reports, and SonarQube's names for them. */
    static final List<String> METRICS =
            List.of("complexity", "cognitive_complexity", "sqale_index", "duplicated_lines", "ncloc");

    private static final Set<String> COMPLEXITY_RULES =
            Set.of("java:S3776", "java:S1541", "java:S1067", "python:S3776");
    private static final Set<String> SIZE_RULES =
            Set.of("java:S138", "java:S107", "java:S1448", "java:S1200", "java:S6539");
    private static final Pattern EFFORT = Pattern.compile("(?:(\\d+)d)?\\s*(?:(\\d+)h)?\\s*(?:(\\d+)min)?");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    public SonarClient(URI base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Open issues and hotspots of a project, each as a hotspot of the fleet. */
    public List<Hotspot> hotspots(String project) throws SonarException {
        List<Hotspot> found = new ArrayList<>();
        Map<String, String> ruleNames = new java.util.HashMap<>();
        List<JsonNode> issues = pages(
                "api/issues/search",
                "componentKeys=" + enc(project) + "&resolved=false&additionalFields=rules",
                "issues",
                answer -> answer.path("rules")
                        .forEach(r -> ruleNames.put(
                                r.path("key").asString(""), r.path("name").asString(""))));
        for (JsonNode issue : issues) {
            found.add(fromIssue(project, issue, ruleNames));
        }
        for (JsonNode hotspot : deprecatedHotspots(project)) {
            found.add(fromHotspot(project, hotspot));
        }
        return found;
    }

    /** The project's measures by SonarQube's metric key ({@link #METRICS}); a metric not computed is absent. */
    public Map<String, Double> measures(String project) throws SonarException {
        JsonNode answer =
                get("api/measures/component?component=" + enc(project) + "&metricKeys=" + String.join(",", METRICS));
        JsonNode measures = answer.path("component").path("measures");
        if (!measures.isArray()) {
            throw new SonarException("api/measures/component answered without component.measures");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (JsonNode measure : measures) {
            try {
                values.put(
                        measure.path("metric").asString(),
                        Double.parseDouble(measure.path("value").asString()));
            } catch (NumberFormatException e) {
                // A metric without a number (a rating letter, a period value): not one we report.
            }
        }
        return values;
    }

    private List<JsonNode> deprecatedHotspots(String project) throws SonarException {
        try {
            return pages("api/hotspots/search", "project=" + enc(project) + "&status=TO_REVIEW", "hotspots", a -> {});
        } catch (Gone e) {
            return List.of();
        }
    }

    /** @param each sees every page's whole answer (for what comes beside the list) */
    private List<JsonNode> pages(String path, String query, String field, java.util.function.Consumer<JsonNode> each)
            throws SonarException {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer = get(path + "?" + query + "&ps=" + PAGE_SIZE + "&p=" + page);
            JsonNode items = answer.path(field);
            if (!items.isArray()) {
                throw new SonarException(path + " answered without the " + field + " list");
            }
            items.forEach(all::add);
            each.accept(answer);
            JsonNode paging = answer.path("paging");
            long total = paging.path("total").asLong(answer.path("total").asLong(all.size()));
            if (items.isEmpty() || all.size() >= total || page * PAGE_SIZE >= RESULT_LIMIT) {
                return all;
            }
        }
    }

    private JsonNode get(String pathAndQuery) throws SonarException {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        String what = pathAndQuery.substring(
                0, pathAndQuery.indexOf('?') < 0 ? pathAndQuery.length() : pathAndQuery.indexOf('?'));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        if (token != null && !token.isBlank()) {
            String basic = java.util.Base64.getEncoder().encodeToString((token + ":").getBytes(StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + basic);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new SonarException(
                    "SonarQube at " + base + " could not be asked (" + what + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SonarException("interrupted while asking SonarQube (" + what + ")", e);
        }
        int status = response.statusCode();
        if ((status == 404 || status == 410) && what.equals("api/hotspots/search")) {
            throw new Gone();
        }
        if (status == 401 || status == 403) {
            throw new SonarException("SonarQube refused the token (" + what + " answered " + status + ")");
        }
        if (status != 200) {
            throw new SonarException("SonarQube's " + what + " answered " + status + ": " + errors(response.body()));
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body == null || !body.isObject()) {
                throw new SonarException("SonarQube's " + what + " answered something else than a JSON object");
            }
            return body;
        } catch (JacksonException e) {
            throw new SonarException("SonarQube's " + what + " answered something else than JSON", e);
        }
    }

    /** SonarQube's error messages ({@code errors[].msg}), or the start of the body. */
    private static String errors(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            List<String> messages = new ArrayList<>();
            errors.forEach(e -> messages.add(e.path("msg").asString("")));
            if (!messages.isEmpty()) {
                return String.join("; ", messages);
            }
        } catch (JacksonException e) {
            // Not JSON: the body's start says what it is.
        }
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }

    /** @param ruleNames rule names by key, as SonarQube sent them with the issues (else the key stands) */
    static Hotspot fromIssue(String project, JsonNode issue, Map<String, String> ruleNames) {
        String rule = issue.path("rule").asString("");
        String type = issue.path("type").asString("CODE_SMELL");
        String name = ruleNames.getOrDefault(rule, "");
        return new Hotspot(
                rule,
                name.isBlank() ? rule : name,
                family(rule, type),
                path(project, issue.path("component").asString("")),
                issue.path("line")
                        .asInt(issue.path("textRange").path("startLine").asInt(0)),
                issue.path("message").asString(""),
                issue.path("severity").asString("MAJOR").toUpperCase(Locale.ROOT),
                minutes(issue.path("effort").asString(issue.path("debt").asString(""))),
                instant(issue.path("creationDate").asString(null)));
    }

    static Hotspot fromHotspot(String project, JsonNode hotspot) {
        String rule = hotspot.path("ruleKey").asString("security-hotspot");
        String probability = hotspot.path("vulnerabilityProbability").asString("MEDIUM");
        String severity = switch (probability) {
            case "HIGH" -> "CRITICAL";
            case "LOW" -> "MINOR";
            default -> "MAJOR";
        };
        return new Hotspot(
                rule,
                "Security hotspot: " + hotspot.path("securityCategory").asString(rule),
                "security",
                path(project, hotspot.path("component").asString("")),
                hotspot.path("line").asInt(0),
                hotspot.path("message").asString(""),
                severity,
                30,
                instant(hotspot.path("creationDate").asString(null)));
    }

    static String family(String rule, String type) {
        if (COMPLEXITY_RULES.contains(rule)) {
            return "complexity";
        }
        if (SIZE_RULES.contains(rule)) {
            return "size";
        }
        if (rule.endsWith("DuplicatedBlocks")) {
            return "duplication";
        }
        return switch (type) {
            case "BUG" -> "reliability";
            case "VULNERABILITY", "SECURITY_HOTSPOT" -> "security";
            default -> "maintainability";
        };
    }

    /** SonarQube's effort ({@code 5min}, {@code 1h 30min}, {@code 2d}; a day is 8 hours) in minutes. */
    static int minutes(String effort) {
        if (effort == null || effort.isBlank()) {
            return 0;
        }
        Matcher m = EFFORT.matcher(effort.strip());
        if (!m.matches()) {
            return 0;
        }
        long minutes = number(m.group(1)) * 8 * 60 + number(m.group(2)) * 60 + number(m.group(3));
        return (int) Math.min(minutes, 1_000_000);
    }

    private static long number(String group) {
        // Up to 9 digits: no effort SonarQube reports is longer, and a longer one cannot overflow.
        return group == null ? 0 : Long.parseLong(group.length() > 9 ? "999999999" : group);
    }

    private static String path(String project, String component) {
        return component.startsWith(project + ":") ? component.substring(project.length() + 1) : component;
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ"))
                    .toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The deprecated hotspots API is gone from this server. */
    private static final class Gone extends SonarException {
        Gone() {
            super("api/hotspots/search is not there");
        }
    }
}
