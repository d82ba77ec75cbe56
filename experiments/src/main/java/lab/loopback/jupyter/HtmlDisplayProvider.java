package lab.loopback.jupyter;

import java.util.List;
import org.rapaio.jupyter.kernel.display.DisplayRenderer;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;
import org.rapaio.jupyter.kernel.display.spi.DisplayProvider;

/**
 * Teaches rapaio-jupyter-kernel to show the workbench's tables as tables. Loaded by the kernel's ServiceLoader from
 * the kernel overlay jar (on the kernel JVM's class path, ahead of the kernel jar); the notebooks stay
 * kernel-neutral: an object with a public {@code String toHtml()} is sent as text/html plus its {@code toString()}
 * as text/plain, which is what IJava and JJava show.
 */
public final class HtmlDisplayProvider implements DisplayProvider {
    @Override
    public List<DisplayRenderer> getDisplayRenderers() {
        return List.of(new HtmlOutputRenderer());
    }

    @Override
    public List<DisplayTransformer> getDisplayTransformers() {
        return List.of(new ToHtmlTransformer());
    }
}
