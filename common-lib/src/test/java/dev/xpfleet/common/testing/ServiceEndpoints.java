package dev.xpfleet.common.testing;

/** Where the shared test services are, whichever way they were obtained. */
public record ServiceEndpoints(Postgres postgres, Redis redis, S3 s3, String origin) {

    /**
     * @param template database to copy for each test database (has pgvector), or null to create
     *     the extension in each new database
     */
    public record Postgres(String host, int port, String user, String password, String template) {
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://%s:%d/%s".formatted(host, port, database);
        }
    }

    public record Redis(String host, int port) {}

    public record S3(String endpoint, String accessKey, String secretKey) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + "]";
        }
    }
}
