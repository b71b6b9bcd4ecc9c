package org.aptostree.daemon.dbus;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One D-Bus interface as an introspection document describes it: its methods (with argument names and types),
 * signals, properties and annotations. The daemon's interfaces are read from the XML file it ships, so that the
 * file, what introspection answers and what calls are checked against are the same thing.
 */
public record InterfaceDefinition(String name, List<Member> methods, List<Member> signals, List<Property> properties,
        List<Annotation> annotations) {

    public InterfaceDefinition {
        methods = List.copyOf(methods);
        signals = List.copyOf(signals);
        properties = List.copyOf(properties);
        annotations = List.copyOf(annotations);
    }

    /**
     * A method or a signal: its arguments in order, each with its direction (signals' are all out). The arguments of
     * each direction and their signatures are worked out once, not on every call the daemon answers.
     */
    public static final class Member {
        private final String name;
        private final List<Arg> args;
        private final List<Annotation> annotations;
        private final List<Arg> in;
        private final List<Arg> out;
        private final String inSignature;
        private final String outSignature;

        public Member(String name, List<Arg> args, List<Annotation> annotations) {
            this.name = Objects.requireNonNull(name);
            this.args = List.copyOf(args);
            this.annotations = List.copyOf(annotations);
            List<Arg> ins = new ArrayList<>();
            List<Arg> outs = new ArrayList<>();
            StringBuilder inSig = new StringBuilder();
            StringBuilder outSig = new StringBuilder();
            for (Arg a : this.args) {
                (a.in() ? ins : outs).add(a);
                (a.in() ? inSig : outSig).append(a.type());
            }
            this.in = List.copyOf(ins);
            this.out = List.copyOf(outs);
            this.inSignature = inSig.toString();
            this.outSignature = outSig.toString();
        }

        public String name() {
            return name;
        }

        public List<Arg> args() {
            return args;
        }

        public List<Annotation> annotations() {
            return annotations;
        }

        public List<Arg> in() {
            return in;
        }

        public List<Arg> out() {
            return out;
        }

        public String inSignature() {
            return inSignature;
        }

        public String outSignature() {
            return outSignature;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Member m && name.equals(m.name) && args.equals(m.args) && annotations.equals(m.annotations);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, args, annotations);
        }

        @Override
        public String toString() {
            return "Member[name=" + name + ", args=" + args + ", annotations=" + annotations + "]";
        }
    }

    public record Arg(String name, String type, boolean in) {
    }

    public record Property(String name, String type, String access, List<Annotation> annotations) {
        public Property {
            annotations = List.copyOf(annotations);
        }
    }

    public record Annotation(String name, String value) {
    }

    public Optional<Member> method(String member) {
        return named(methods, member);
    }

    public Optional<Member> signal(String member) {
        return named(signals, member);
    }

    public Optional<Property> property(String property) {
        for (Property p : properties) {
            if (p.name().equals(property)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    // A loop, not a stream: this runs for every call the daemon answers, mostly before the JIT has compiled it.
    private static Optional<Member> named(List<Member> members, String name) {
        for (Member m : members) {
            if (m.name().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the interfaces of an introspection document, by name.
     *
     * @throws IOException if it cannot be read or is not one (what is wrong, and where)
     */
    public static Map<String, InterfaceDefinition> parse(InputStream in, String source) throws IOException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        // The DOCTYPE names the DTD on freedesktop.org; nothing is fetched or expanded.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        Map<String, InterfaceDefinition> out = new LinkedHashMap<>();
        try {
            XMLStreamReader r = f.createXMLStreamReader(in);
            Builder iface = null;
            MemberBuilder member = null;
            List<Annotation> propertyAnnotations = null;
            String[] property = null;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    String el = r.getLocalName();
                    switch (el) {
                        case "interface" -> iface = new Builder(required(r, "name", source));
                        case "method", "signal" -> member = new MemberBuilder(el, required(r, "name", source));
                        case "arg" -> {
                            if (member == null) {
                                throw new IOException(source + ": line " + r.getLocation().getLineNumber() + ": <arg> outside a method or signal");
                            }
                            String type = required(r, "type", source);
                            if (!Signature.isSingleComplete(type)) {
                                throw new IOException(source + ": line " + r.getLocation().getLineNumber() + ": '" + type
                                        + "' is not one complete D-Bus type");
                            }
                            String dir = r.getAttributeValue(null, "direction");
                            boolean isIn = member.kind.equals("method") && (dir == null || dir.equals("in"));
                            String name = r.getAttributeValue(null, "name");
                            member.args.add(new Arg(name == null ? "arg_" + member.args.size() : name, type, isIn));
                        }
                        case "property" -> {
                            property = new String[] {required(r, "name", source), required(r, "type", source), required(r, "access", source)};
                            propertyAnnotations = new ArrayList<>();
                        }
                        case "annotation" -> {
                            Annotation a = new Annotation(required(r, "name", source), required(r, "value", source));
                            if (member != null) {
                                member.annotations.add(a);
                            } else if (propertyAnnotations != null) {
                                propertyAnnotations.add(a);
                            } else if (iface != null) {
                                iface.annotations.add(a);
                            }
                        }
                        default -> { }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    switch (r.getLocalName()) {
                        case "interface" -> {
                            out.put(iface.name, new InterfaceDefinition(iface.name, iface.methods, iface.signals, iface.properties,
                                    iface.annotations));
                            iface = null;
                        }
                        case "method", "signal" -> {
                            Member m = new Member(member.name, member.args, member.annotations);
                            (member.kind.equals("method") ? iface.methods : iface.signals).add(m);
                            member = null;
                        }
                        case "property" -> {
                            iface.properties.add(new Property(property[0], property[1], property[2], propertyAnnotations));
                            property = null;
                            propertyAnnotations = null;
                        }
                        default -> { }
                    }
                }
            }
        } catch (XMLStreamException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String required(XMLStreamReader r, String attribute, String source) throws IOException {
        String v = r.getAttributeValue(null, attribute);
        if (v == null || v.isEmpty()) {
            throw new IOException(source + ": line " + r.getLocation().getLineNumber() + ": <" + r.getLocalName() + "> has no "
                    + attribute + "=");
        }
        return v;
    }

    /** This interface as introspection XML, two spaces in. */
    public String toXml() {
        StringBuilder b = new StringBuilder();
        b.append("  <interface name=\"").append(name).append("\">\n");
        annotations.forEach(a -> annotation(b, "    ", a));
        for (Member m : methods) {
            member(b, "method", m);
        }
        for (Member s : signals) {
            member(b, "signal", s);
        }
        for (Property p : properties) {
            b.append("    <property name=\"").append(p.name()).append("\" type=\"").append(p.type()).append("\" access=\"")
                    .append(p.access()).append('"');
            if (p.annotations().isEmpty()) {
                b.append("/>\n");
            } else {
                b.append(">\n");
                p.annotations().forEach(a -> annotation(b, "      ", a));
                b.append("    </property>\n");
            }
        }
        b.append("  </interface>\n");
        return b.toString();
    }

    private static void member(StringBuilder b, String kind, Member m) {
        b.append("    <").append(kind).append(" name=\"").append(m.name()).append('"');
        if (m.args().isEmpty() && m.annotations().isEmpty()) {
            b.append("/>\n");
            return;
        }
        b.append(">\n");
        m.annotations().forEach(a -> annotation(b, "      ", a));
        for (Arg a : m.args()) {
            b.append("      <arg name=\"").append(a.name()).append("\" type=\"").append(a.type()).append('"');
            if (kind.equals("method")) {
                b.append(" direction=\"").append(a.in() ? "in" : "out").append('"');
            }
            b.append("/>\n");
        }
        b.append("    </").append(kind).append(">\n");
    }

    private static void annotation(StringBuilder b, String indent, Annotation a) {
        b.append(indent).append("<annotation name=\"").append(escape(a.name())).append("\" value=\"").append(escape(a.value()))
                .append("\"/>\n");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final class Builder {
        final String name;
        final List<Member> methods = new ArrayList<>();
        final List<Member> signals = new ArrayList<>();
        final List<Property> properties = new ArrayList<>();
        final List<Annotation> annotations = new ArrayList<>();

        Builder(String name) {
            this.name = name;
        }
    }

    private static final class MemberBuilder {
        final String kind;
        final String name;
        final List<Arg> args = new ArrayList<>();
        final List<Annotation> annotations = new ArrayList<>();

        MemberBuilder(String kind, String name) {
            this.kind = kind;
            this.name = name;
        }
    }
}
