package lab.loopback.workbench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** What an {@link Experiment} is called and which claims it judges, declared once on its class. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Measures {
    /** Directory and table prefix, lower-case-with-dashes, e.g. "stream-throughput". */
    String name();

    /** The claim ids whose verdicts the experiment returns, in the article's order. */
    String[] claims();
}
