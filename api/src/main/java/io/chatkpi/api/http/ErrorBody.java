package io.chatkpi.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of every error: {@code {"error": CODE, "message": ..., "parameter": ...}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String error, String message, String parameter) {}
