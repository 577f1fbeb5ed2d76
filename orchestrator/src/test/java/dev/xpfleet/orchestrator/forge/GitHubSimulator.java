package dev.xpfleet.orchestrator.forge;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small stateful GitHub for the forge tests, as a WireMock extension: repositories whose git data
 * lives in real bare repositories (pushed to with JGit, merged in core), issues, pull requests,
 * comments and labels in memory. Every answer is the example from GitHub's published REST API
 * description ({@code src/test/resources/github-api-examples}) with names, numbers, URLs and
 * commits filled in, so the adapter parses GitHub's real shapes.
 */
final class GitHubSimulator implements ResponseDefinitionTransformerV2 {

    static final String TOKEN = "ghs_simulatedInstallationToken0123456789";

    private final LocalRepositories git;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final AtomicLong commentIds = new AtomicLong(100);
    private final AtomicLong reviewIds = new AtomicLong(80);
    private final List<Route> routes = new ArrayList<>();
    private volatile String base = "http://localhost";
    /** Authorization headers the simulator accepts; empty accepts any. */
    final Set<String> acceptedAuthorizations = ConcurrentHashMap.newKeySet();

    final List<String> seenAuthorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final class Repo {
        final String name;
        int next = 1;
        final Map<Integer, Item> items = new ConcurrentHashMap<>();
        final List<Comment> comments = new ArrayList<>();
        final List<Review> reviews = new ArrayList<>();

        Repo(String name) {
            this.name = name;
        }
    }

    private static final class Item {
        int number;
        String title;
        String body;
        String author;
        final Set<String> labels = new LinkedHashSet<>();
        String head; // pull requests only
        String baseBranch;
        String state = "open";
        boolean merged;
        String mergeSha;
    }

    private record Comment(long id, int number, String[] body, String user) {}

    private record Review(
            long id, int number, String body, String event, String commitId, String user, Forge.Review posted) {}

    private record Route(String method, Pattern path, Function<Matcher, Object> handler) {}

    GitHubSimulator(Path root) {
        this.git = new LocalRepositories(root);
        String repo = "/repos/([^/]+/[^/]+)";
        route("GET", repo, m -> repository(m.group(1)));
        route("GET", repo + "/branches/(.+)", m -> branch(m.group(1), decode(m.group(2))));
        route("GET", repo + "/issues", m -> issues(m.group(1)));
        route("POST", repo + "/issues", m -> createIssue(m.group(1)));
        route("GET", repo + "/issues/(\\d+)", m -> issue(repo(m.group(1)), item(m.group(1), m.group(2))));
        route("GET", repo + "/issues/(\\d+)/comments", m -> comments(m.group(1), Integer.parseInt(m.group(2))));
        route("POST", repo + "/issues/(\\d+)/comments", m -> comment(m.group(1), Integer.parseInt(m.group(2))));
        route("PATCH", repo + "/issues/comments/(\\d+)", m -> editComment(m.group(1), Long.parseLong(m.group(2))));
        route("POST", repo + "/issues/(\\d+)/labels", m -> labels(m.group(1), item(m.group(1), m.group(2))));
        route("GET", repo + "/pulls", m -> pulls(m.group(1)));
        route("POST", repo + "/pulls", m -> openPull(m.group(1)));
        route("GET", repo + "/pulls/(\\d+)", m -> pull(repo(m.group(1)), item(m.group(1), m.group(2))));
        route("GET", repo + "/pulls/(\\d+)/files", m -> files(m.group(1), item(m.group(1), m.group(2))));
        route("GET", repo + "/pulls/(\\d+)/reviews", m -> reviews(m.group(1), item(m.group(1), m.group(2))));
        route("POST", repo + "/pulls/(\\d+)/reviews", m -> review(m.group(1), item(m.group(1), m.group(2))));
        route("PUT", repo + "/pulls/(\\d+)/merge", m -> merge(m.group(1), item(m.group(1), m.group(2))));
        route(
                "GET",
                "/user",
                m -> EnvelopeCodec.mapper()
                        .createObjectNode()
                        .put("login", "octocat")
                        .put("id", 1)
                        .put("type", "User"));
        route("GET", "/users/([^/]+)", m -> user(m.group(1)));
        route("GET", "/app", m -> example("app"));
        route("GET", "/app/installations/(\\d+)", m -> installation(m.group(1)));
        route("POST", "/app/installations/(\\d+)/access_tokens", m -> token());
    }

    // ---- test set-up -------------------------------------------------------------------------

    void createRepository(String name) {
        git.create(name);
        repos.put(name, new Repo(name));
    }

    Path gitDir(String name) {
        return git.gitDir(name);
    }

    synchronized Forge.Issue openIssue(String name, String title, String body, String author, List<String> labels) {
        Repo repo = repo(name);
        Item item = new Item();
        item.number = repo.next++;
        item.title = title;
        item.body = body;
        item.author = author;
        item.labels.addAll(labels);
        repo.items.put(item.number, item);
        return new Forge.Issue(name, item.number, title, body, author, labels);
    }

    /** A comment by someone else, as a person would write it. */
    synchronized void commentAs(String name, int number, String user, String body) {
        repo(name).comments.add(new Comment(commentIds.incrementAndGet(), number, new String[] {body}, user));
    }

    /** The reviews posted on a pull request, oldest first, as the forge sent them. */
    synchronized List<Forge.Review> reviews(String name, int number) {
        return repo(name).reviews.stream()
                .filter(r -> r.number() == number)
                .map(Review::posted)
                .toList();
    }

    /** A review by someone else, as a person would write it. */
    synchronized void reviewAs(String name, int number, String user, String body) {
        repo(name)
                .reviews
                .add(new Review(
                        reviewIds.incrementAndGet(),
                        number,
                        body,
                        "COMMENT",
                        null,
                        user,
                        new Forge.Review(null, null, body, List.of())));
    }

    /** The comments of an issue, oldest first: their bodies. */
    synchronized List<String> commentBodies(String name, int number) {
        return repo(name).comments.stream()
                .filter(c -> c.number() == number)
                .map(c -> c.body()[0])
                .toList();
    }

    // ---- WireMock ----------------------------------------------------------------------------

    @Override
    public String getName() {
        return "github-simulator";
    }

    private ThreadLocal<Request> current = new ThreadLocal<>();

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        String url = request.getAbsoluteUrl();
        base = url.substring(0, url.indexOf('/', url.indexOf("://") + 3));
        String authorization = request.getHeader("Authorization");
        seenAuthorizations.add(String.valueOf(authorization));
        if (!acceptedAuthorizations.isEmpty()
                && !request.getUrl().startsWith("/app")
                && !acceptedAuthorizations.contains(authorization)) {
            return json(401, error("Bad credentials"));
        }
        String path = request.getUrl().replaceFirst("\\?.*$", "");
        current.set(request);
        try {
            for (Route route : routes) {
                Matcher m = route.path().matcher(path);
                if (route.method().equals(request.getMethod().getName()) && m.matches()) {
                    Object answer = route.handler().apply(m);
                    return answer instanceof ResponseDefinition r ? r : json(200, (JsonNode) answer);
                }
            }
            return json(404, error("Not Found"));
        } catch (NotFound e) {
            return json(404, error("Not Found"));
        } catch (RuntimeException e) {
            return json(500, error("simulator failed: " + e));
        } finally {
            current.remove();
        }
    }

    // ---- routes ------------------------------------------------------------------------------

    private JsonNode repository(String name) {
        Repo repo = repo(name);
        ObjectNode json = example("repository", repo.name, 0);
        json.put("name", name.substring(name.indexOf('/') + 1));
        ((ObjectNode) json.get("owner")).put("login", name.substring(0, name.indexOf('/')));
        json.put("default_branch", git.info(name).defaultBranch());
        json.put("private", false);
        return json;
    }

    private JsonNode branch(String name, String branch) {
        String sha = git.branchHead(repo(name).name, branch).orElseThrow(NotFound::new);
        ObjectNode json = example("branch", name, 0);
        json.put("name", branch);
        ((ObjectNode) json.get("commit")).put("sha", sha);
        return json;
    }

    private ObjectNode issue(Repo repo, Item item) {
        ObjectNode json = example("issue", repo.name, item.number);
        json.put("number", item.number);
        json.put("title", item.title);
        json.put("body", item.body);
        json.put("state", item.state);
        ((ObjectNode) json.get("user")).put("login", item.author);
        ArrayNode labels = json.putArray("labels");
        for (String label : item.labels) {
            labels.addObject().put("id", label.hashCode()).put("name", label).put("color", "ededed");
        }
        if (item.head == null) {
            json.remove("pull_request");
        }
        return json;
    }

    /** The list endpoint: issues and pull requests (as GitHub lists both), by state. */
    private JsonNode issues(String name) {
        Repo repo = repo(name);
        String state = query().getOrDefault("state", "open");
        ArrayNode list = EnvelopeCodec.mapper().createArrayNode();
        repo.items.values().stream()
                .filter(i -> state.equals("all") || state.equals(i.state))
                .sorted((a, b) -> b.number - a.number)
                .forEach(i -> list.add(issue(repo, i)));
        return list;
    }

    /** An issue opened by the token's user ({@code octocat}, as {@code /user} says). */
    private synchronized ResponseDefinition createIssue(String name) {
        Repo repo = repo(name);
        JsonNode body = body();
        Item item = new Item();
        item.number = repo.next++;
        item.title = body.path("title").asString();
        item.body = body.path("body").asString("");
        item.author = "octocat";
        body.path("labels").forEach(l -> item.labels.add(l.asString()));
        repo.items.put(item.number, item);
        return json(201, issue(repo, item));
    }

    private JsonNode comments(String name, int number) {
        ArrayNode list = EnvelopeCodec.mapper().createArrayNode();
        for (Comment c : repo(name).comments) {
            if (c.number() == number) {
                list.add(commentJson(name, c));
            }
        }
        return list;
    }

    private ResponseDefinition comment(String name, int number) {
        item(name, Integer.toString(number));
        Comment c = new Comment(
                commentIds.incrementAndGet(),
                number,
                new String[] {body().path("body").asString()},
                "octocat");
        repo(name).comments.add(c);
        return json(201, commentJson(name, c));
    }

    private JsonNode editComment(String name, long id) {
        Comment c = repo(name).comments.stream()
                .filter(x -> x.id() == id)
                .findFirst()
                .orElseThrow(NotFound::new);
        c.body()[0] = body().path("body").asString();
        return commentJson(name, c);
    }

    private ObjectNode commentJson(String name, Comment c) {
        ObjectNode json = example("issue-comment", name, c.number());
        json.put("id", c.id());
        json.put("body", c.body()[0]);
        ((ObjectNode) json.get("user")).put("login", c.user());
        json.put("url", base + "/repos/" + name + "/issues/comments/" + c.id());
        return json;
    }

    private JsonNode reviews(String name, Item item) {
        ArrayNode list = EnvelopeCodec.mapper().createArrayNode();
        for (Review r : repo(name).reviews) {
            if (r.number() == item.number) {
                list.add(reviewJson(name, r));
            }
        }
        return list;
    }

    /**
     * As GitHub does: 422 for a comment on a file the pull request does not change, or on a line
     * outside its diff's hunks; the review is stored only when all of it can be.
     */
    private synchronized ResponseDefinition review(String name, Item item) {
        JsonNode request = body();
        String diff = git.diff(name, item.baseBranch, git.head(name, item.head));
        java.util.List<Forge.LineComment> comments = new ArrayList<>();
        for (JsonNode c : request.path("comments")) {
            String path = c.path("path").asString("");
            int line = c.path("line").asInt(0);
            if (!inDiff(diff, path, line)) {
                return json(
                        422, error("Unprocessable Entity: pull_request_review_thread.line must be part of the diff"));
            }
            comments.add(new Forge.LineComment(path, line, c.path("body").asString("")));
        }
        String bodyText = request.path("body").asString("");
        Review r = new Review(
                reviewIds.incrementAndGet(),
                item.number,
                bodyText,
                request.path("event").asString("PENDING"),
                request.path("commit_id").asString(null),
                "octocat",
                new Forge.Review(null, request.path("commit_id").asString(null), bodyText, List.copyOf(comments)));
        repo(name).reviews.add(r);
        return json(200, reviewJson(name, r));
    }

    /** Whether a line of the changed file is shown by one of the diff's hunks for it. */
    private static boolean inDiff(String diff, String path, int line) {
        Pattern hunk = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,(\\d+))? @@", Pattern.MULTILINE);
        int start = diff.indexOf("+++ b/" + path + "\n");
        if (start < 0) {
            return false;
        }
        int end = diff.indexOf("\ndiff --git ", start);
        Matcher m = hunk.matcher(end < 0 ? diff.substring(start) : diff.substring(start, end));
        while (m.find()) {
            int first = Integer.parseInt(m.group(1));
            int count = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            if (line >= first && line < first + count) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode reviewJson(String name, Review r) {
        ObjectNode json = example("pull-request-review", name, r.number());
        json.put("id", r.id());
        json.put("body", r.body());
        json.put("state", "COMMENT".equals(r.event()) ? "COMMENTED" : r.event());
        json.put("commit_id", r.commitId());
        ((ObjectNode) json.get("user")).put("login", r.user());
        return json;
    }

    private JsonNode labels(String name, Item item) {
        for (JsonNode label : body().path("labels")) {
            item.labels.add(label.asString());
        }
        ArrayNode list = EnvelopeCodec.mapper().createArrayNode();
        item.labels.forEach(l -> list.addObject().put("name", l).put("color", "ededed"));
        return list;
    }

    private JsonNode pulls(String name) {
        Repo repo = repo(name);
        Map<String, String> query = query();
        String head = query.getOrDefault("head", "");
        String state = query.getOrDefault("state", "open");
        ArrayNode list = EnvelopeCodec.mapper().createArrayNode();
        repo.items.values().stream()
                .filter(i -> i.head != null)
                .filter(i -> head.isEmpty() || head.equals(name.substring(0, name.indexOf('/')) + ":" + i.head))
                .filter(i -> state.equals("all") || state.equals(i.state))
                .sorted((a, b) -> b.number - a.number)
                .forEach(i -> list.add(pull(repo, i)));
        return list;
    }

    private synchronized ResponseDefinition openPull(String name) {
        Repo repo = repo(name);
        JsonNode body = body();
        String head = body.path("head").asString();
        String baseBranch = body.path("base").asString();
        if (git.branchHead(name, head).isEmpty()) {
            return json(422, validation("No commits between " + baseBranch + " and " + head));
        }
        boolean exists = repo.items.values().stream().anyMatch(i -> head.equals(i.head) && i.state.equals("open"));
        if (exists) {
            String owner = name.substring(0, name.indexOf('/'));
            return json(422, validation("A pull request already exists for " + owner + ":" + head + "."));
        }
        Item item = new Item();
        item.number = repo.next++;
        item.title = body.path("title").asString();
        item.body = body.path("body").asString("");
        item.author = "xp-fleet[bot]";
        item.head = head;
        item.baseBranch = baseBranch;
        repo.items.put(item.number, item);
        return json(201, pull(repo, item));
    }

    private ObjectNode pull(Repo repo, Item item) {
        ObjectNode json = example("pull-request", repo.name, item.number);
        json.put("number", item.number);
        json.put("title", item.title);
        json.put("body", item.body);
        json.put("state", item.state);
        json.put("merged", item.merged);
        json.put("merge_commit_sha", item.mergeSha);
        ((ObjectNode) json.get("user")).put("login", item.author);
        ObjectNode head = (ObjectNode) json.get("head");
        head.put("ref", item.head);
        head.put("label", repo.name.substring(0, repo.name.indexOf('/')) + ":" + item.head);
        head.put("sha", git.branchHead(repo.name, item.head).orElse("0".repeat(40)));
        ((ObjectNode) json.get("base")).put("ref", item.baseBranch);
        return json;
    }

    private JsonNode files(String name, Item item) {
        String diff = git.diff(name, item.baseBranch, git.head(name, item.head));
        ArrayNode list = EnvelopeCodec.mapper().createArrayNode();
        for (String part : diff.split("(?m)^(?=diff --git )")) {
            Matcher m = Pattern.compile("^diff --git a/(\\S+) b/(\\S+)").matcher(part);
            if (m.find()) {
                int hunk = part.indexOf("\n@@");
                list.addObject()
                        .put("filename", m.group(2))
                        .put("status", "modified")
                        .put("patch", hunk < 0 ? "" : part.substring(hunk + 1).stripTrailing());
            }
        }
        return list;
    }

    private synchronized ResponseDefinition merge(String name, Item item) {
        if (item.merged) {
            return json(405, error("Pull Request is not mergeable"));
        }
        String expected = body().path("sha").asString("");
        String head = git.branchHead(name, item.head).orElseThrow(NotFound::new);
        if (!expected.isEmpty() && !expected.equals(head)) {
            return json(409, error("Head branch was modified. Review and try the merge again."));
        }
        String method = body().path("merge_method").asString("merge");
        try {
            item.mergeSha = git.merge(
                    name,
                    item.baseBranch,
                    head,
                    method.equals("squash") ? Forge.MergeMethod.SQUASH : Forge.MergeMethod.MERGE,
                    body().path("commit_message").asString("merge"));
        } catch (ForgeException.MergeConflict e) {
            return json(405, error("Pull Request is not mergeable"));
        }
        item.merged = true;
        item.state = "closed";
        ObjectNode json = example("merge-result", name, item.number);
        json.put("sha", item.mergeSha);
        json.put("merged", true);
        return json(200, json);
    }

    private JsonNode user(String login) {
        ObjectNode json = example("user", "octocat/Hello-World", 0);
        json.put("login", login);
        return json;
    }

    private JsonNode installation(String id) {
        ObjectNode json = example("installation", "octocat/Hello-World", 0);
        json.put("id", Long.parseLong(id));
        json.put("access_tokens_url", base + "/app/installations/" + id + "/access_tokens");
        return json;
    }

    private ResponseDefinition token() {
        ObjectNode json = example("installation-token", "octocat/Hello-World", 0);
        json.put("token", TOKEN);
        json.put("expires_at", Instant.now().plusSeconds(3600).toString());
        return json(201, json);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void route(String method, String path, Function<Matcher, Object> handler) {
        routes.add(new Route(method, Pattern.compile(path), handler));
    }

    private Repo repo(String name) {
        Repo repo = repos.get(name);
        if (repo == null) {
            throw new NotFound();
        }
        return repo;
    }

    private Item item(String name, String number) {
        Item item = repo(name).items.get(Integer.parseInt(number));
        if (item == null) {
            throw new NotFound();
        }
        return item;
    }

    private JsonNode body() {
        String text = current.get().getBodyAsString();
        return text == null || text.isBlank()
                ? EnvelopeCodec.mapper().createObjectNode()
                : EnvelopeCodec.mapper().readTree(text);
    }

    private Map<String, String> query() {
        Map<String, String> out = new java.util.HashMap<>();
        String url = current.get().getUrl();
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** GitHub's example, its URLs pointing here, at {@code repository} and {@code number}. */
    private ObjectNode example(String name, String repository, int number) {
        String text = exampleText(name)
                .replace("https://api.github.com", base)
                .replace("octocat/Hello-World", repository)
                .replace("/1347", "/" + number);
        return (ObjectNode) EnvelopeCodec.mapper().readTree(text);
    }

    private JsonNode example(String name) {
        return example(name, "octocat/Hello-World", 0);
    }

    private static String exampleText(String name) {
        try (InputStream in = GitHubSimulator.class.getResourceAsStream("/github-api-examples/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode error(String message) {
        return EnvelopeCodec.mapper()
                .createObjectNode()
                .put("message", message)
                .put("documentation_url", "https://docs.github.com/rest");
    }

    private static ObjectNode validation(String message) {
        ObjectNode json = error("Validation Failed");
        json.putArray("errors")
                .addObject()
                .put("resource", "PullRequest")
                .put("code", "custom")
                .put("message", message);
        return json;
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString())
                .build();
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
