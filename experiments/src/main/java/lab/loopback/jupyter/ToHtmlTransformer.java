package lab.loopback.jupyter;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.rapaio.jupyter.kernel.display.DisplayTransformer;

/**
 * Turns any object with a public, argument-free {@code String toHtml()} into an {@link HtmlOutput}. Matched by
 * method, not by class: the notebook's objects come from JShell's class loader, this class from the kernel's, so
 * no type of the workbench can be named here.
 */
public final class ToHtmlTransformer implements DisplayTransformer {
    @Override
    public boolean canTransform(Object o) {
        return o != null && toHtml(o) != null;
    }

    @Override
    public Class<?> transformedClass() {
        return HtmlOutput.class;
    }

    @Override
    public Object transform(Object o) {
        Method m = toHtml(o);
        if (m == null) throw new IllegalArgumentException(o.getClass().getName() + " has no public String toHtml()");
        try {
            return new HtmlOutput((String) m.invoke(o), o.toString());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(
                    "cannot call toHtml() of " + o.getClass().getName(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(
                    "toHtml() of " + o.getClass().getName() + " failed: " + e.getCause(), e.getCause());
        }
    }

    static Method toHtml(Object o) {
        try {
            Method m = o.getClass().getMethod("toHtml");
            boolean usable = m.getReturnType() == String.class
                    && Modifier.isPublic(o.getClass().getModifiers());
            return usable ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
