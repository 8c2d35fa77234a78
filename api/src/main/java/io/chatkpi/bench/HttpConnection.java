package io.chatkpi.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection for GETs, as a load generator needs it: a request is a few pre-built bytes, a
 * response is read to its Content-Length (or its chunks) and only the status and body kept. java.net.http.HttpClient
 * spends more CPU per request than the server under test; on a 2-core machine that would be measuring the client.
 */
final class HttpConnection implements AutoCloseable {

    /** One response: status and body. */
    record Response(int status, String body) {}

    private final String host;
    private final int port;
    private final String authorization;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    HttpConnection(String host, int port, String bearerKey) {
        this.host = host;
        this.port = port;
        this.authorization = bearerKey == null ? "" : "Authorization: Bearer " + bearerKey + "\r\n";
    }

    /** Builds the bytes of a GET once, so that a load loop only writes them. */
    byte[] request(String pathAndQuery) {
        return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + authorization
                + "Accept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    Response get(String pathAndQuery) throws IOException {
        return send(request(pathAndQuery));
    }

    /** Sends a request built by {@link #request}; reconnects once if the server closed the idle connection. */
    Response send(byte[] request) throws IOException {
        try {
            return exchange(request);
        } catch (IOException e) {
            close();
            return exchange(request);
        }
    }

    private Response exchange(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(600_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }
        out.write(request);
        out.flush();
        String statusLine = line();
        if (statusLine == null) throw new IOException("connection closed by the server");
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2) throw new IOException("not an HTTP status line: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String header;
        while ((header = line()) != null && !header.isEmpty()) {
            int colon = header.indexOf(':');
            if (colon < 0) continue;
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) chunked = true;
            else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) close = true;
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                if (size == null) throw new IOException("connection closed inside a chunked body");
                int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
                if (n == 0) {
                    while ((header = line()) != null && !header.isEmpty()) {
                        // trailers
                    }
                    break;
                }
                all.write(in.readNBytes(n));
                line();
            }
            body = all.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
        } else {
            body = in.readAllBytes();
            close = true;
        }
        if (close) close();
        return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        socket = null;
        out = null;
        in = null;
    }
}
