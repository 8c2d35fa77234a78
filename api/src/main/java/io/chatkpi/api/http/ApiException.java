package io.chatkpi.api.http;

import java.util.Map;

/**
 * An error the API answers with {@code {"error": code, "message": ..., "parameter"?: ...}} and the given status.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String parameter;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message, String parameter, Map<String, String> headers,
                        Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.parameter = parameter;
        this.headers = Map.copyOf(headers);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, Map.of(), null);
    }

    /** 400 naming the offending parameter (query parameter or body field). */
    public static ApiException badParameter(String parameter, String message) {
        return new ApiException(400, "BAD_REQUEST", parameter + ": " + message, parameter, Map.of(), null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    public static ApiException unavailable(String message, Throwable cause) {
        return new ApiException(503, "CLICKHOUSE_UNAVAILABLE", message, null, Map.of(), cause);
    }

    public static ApiException timeout(String message, Throwable cause) {
        return new ApiException(504, "TIMEOUT", message, null, Map.of(), cause);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String parameter() {
        return parameter;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
