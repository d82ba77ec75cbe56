package lab.loopback.jupyter;

/** An object's two renderings, taken from it once: what a browser shows and what a terminal shows. */
public record HtmlOutput(String html, String text) {}
