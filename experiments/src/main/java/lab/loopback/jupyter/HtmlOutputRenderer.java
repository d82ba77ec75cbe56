package lab.loopback.jupyter;

import org.rapaio.jupyter.kernel.display.DisplayData;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;

/** Sends an {@link HtmlOutput} as text/html with a text/plain alternative, whatever MIME type the cell asked for. */
public final class HtmlOutputRenderer implements DisplayRenderer {
    @Override
    public Class<?> rendererClass() {
        return HtmlOutput.class;
    }

    @Override
    public boolean canRender(String mime) {
        return true;
    }

    @Override
    public DisplayData render(String mime, Object o) {
        HtmlOutput out = (HtmlOutput) o;
        DisplayData dd = DisplayData.fromHtml(out.html());
        dd.putText(out.text());
        return dd;
    }
}
