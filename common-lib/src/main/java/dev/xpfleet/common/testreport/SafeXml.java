package dev.xpfleet.common.testreport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/**
 * Reads XML that repository code wrote (test, coverage and analyser reports): size-capped, no
 * external entities or DTDs are ever fetched, entity expansion is bounded. JaCoCo's reports carry
 * a DOCTYPE line, so a DOCTYPE can be allowed; its external DTD is still not loaded.
 */
public final class SafeXml {

    private SafeXml() {}

    public static Document parse(Path file, long maxBytes, boolean allowDoctype) throws IOException {
        if (Files.size(file) > maxBytes) {
            throw new IOException(file.getFileName() + " is larger than " + maxBytes / (1024 * 1024) + " MB");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return builder(allowDoctype).parse(in);
        } catch (SAXException e) {
            throw new IOException(file.getFileName() + " is not readable XML: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder builder(boolean allowDoctype) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", !allowDoctype);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IOException("XML parser cannot be made safe: " + e.getMessage(), e);
        }
    }
}
