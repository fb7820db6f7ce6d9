"""Our own Catalan, Spanish and English names of the reused vocabulary terms the pages show.

Reused vocabularies (RDF, RDFS, OWL, SKOS, Dublin Core, PROV, GeoSPARQL, ORG, FOAF, DCAT, VoID,
the Spanish territory ontology) mostly name their terms in English only, and some of their names
equal ours ("Entity", "Plan").  A page speaks one language, so it names these terms from this
table (``prefix:local`` -> ca, es, en) and never from the vocabulary.  The table says nothing
about the terms' meaning and is not part of the graph: it is the interface's wording.
"""

from __future__ import annotations

from ..namespaces import PREFIXES

#: ``prefix:local`` -> (ca, es, en)
TERM_LABELS: dict[str, tuple[str, str, str]] = {
    # RDF, RDFS, OWL
    "rdf:type": ("tipus", "tipo", "type"),
    "rdf:first": ("primer element", "primer elemento", "first element"),
    "rdf:rest": ("resta de la llista", "resto de la lista", "rest of the list"),
    "rdfs:label": ("etiqueta", "etiqueta", "label"),
    "rdfs:comment": ("comentari", "comentario", "comment"),
    "rdfs:domain": ("domini", "dominio", "domain"),
    "rdfs:range": ("rang", "rango", "range"),
    "rdfs:isDefinedBy": ("definit a", "definido en", "defined by"),
    "rdfs:seeAlso": ("vegeu també", "véase también", "see also"),
    "rdfs:subClassOf": ("subclasse de", "subclase de", "subclass of"),
    "rdfs:subPropertyOf": ("subpropietat de", "subpropiedad de", "subproperty of"),
    "rdfs:Class": ("classe RDFS", "clase RDFS", "RDFS class"),
    "owl:Class": ("classe OWL", "clase OWL", "OWL class"),
    "owl:Ontology": ("ontologia", "ontología", "ontology"),
    "owl:ObjectProperty": ("propietat d'objecte", "propiedad de objeto", "object property"),
    "owl:DatatypeProperty": ("propietat de dades", "propiedad de datos", "datatype property"),
    "owl:AnnotationProperty": ("propietat d'anotació", "propiedad de anotación", "annotation property"),
    "owl:FunctionalProperty": ("propietat funcional", "propiedad funcional", "functional property"),
    "owl:SymmetricProperty": ("propietat simètrica", "propiedad simétrica", "symmetric property"),
    "owl:TransitiveProperty": ("propietat transitiva", "propiedad transitiva", "transitive property"),
    "owl:AllDisjointClasses": ("classes disjuntes", "clases disjuntas", "disjoint classes"),
    "owl:disjointWith": ("disjunta amb", "disjunta con", "disjoint with"),
    "owl:equivalentClass": ("classe equivalent", "clase equivalente", "equivalent class"),
    "owl:equivalentProperty": ("propietat equivalent", "propiedad equivalente", "equivalent property"),
    "owl:inverseOf": ("inversa de", "inversa de", "inverse of"),
    "owl:members": ("membres", "miembros", "members"),
    "owl:unionOf": ("unió de", "unión de", "union of"),
    "owl:versionIRI": ("IRI de la versió", "IRI de la versión", "version IRI"),
    "owl:versionInfo": ("versió", "versión", "version"),
    "owl:sameAs": ("el mateix que", "el mismo que", "same as"),
    "owl:Thing": ("cosa", "cosa", "thing"),
    # SKOS
    "skos:prefLabel": ("nom", "nombre", "name"),
    "skos:altLabel": ("altres noms", "otros nombres", "other names"),
    "skos:hiddenLabel": ("nom ocult", "nombre oculto", "hidden name"),
    "skos:definition": ("definició", "definición", "definition"),
    "skos:editorialNote": ("nota editorial", "nota editorial", "editorial note"),
    "skos:note": ("nota", "nota", "note"),
    "skos:scopeNote": ("nota d'abast", "nota de alcance", "scope note"),
    "skos:notation": ("notació", "notación", "notation"),
    "skos:Concept": ("concepte", "concepto", "concept"),
    "skos:ConceptScheme": ("esquema de conceptes", "esquema de conceptos", "concept scheme"),
    "skos:hasTopConcept": ("té com a concepte superior", "tiene como concepto superior", "has top concept"),
    "skos:topConceptOf": ("concepte superior de", "concepto superior de", "top concept of"),
    "skos:inScheme": ("a l'esquema", "en el esquema", "in scheme"),
    "skos:broader": ("més general", "más general", "broader"),
    "skos:narrower": ("més específic", "más específico", "narrower"),
    "skos:related": ("relacionat", "relacionado", "related"),
    "skos:exactMatch": ("equival a", "equivale a", "exact match"),
    "skos:closeMatch": ("s'assembla a", "se parece a", "close match"),
    # Dublin Core
    "dcterms:title": ("títol", "título", "title"),
    "dcterms:description": ("descripció", "descripción", "description"),
    "dcterms:identifier": ("identificador", "identificador", "identifier"),
    "dcterms:hasPart": ("té com a part", "tiene como parte", "has part"),
    "dcterms:isPartOf": ("és part de", "es parte de", "is part of"),
    "dcterms:publisher": ("editor", "editor", "publisher"),
    "dcterms:creator": ("autor", "autor", "creator"),
    "dcterms:created": ("data de creació", "fecha de creación", "created"),
    "dcterms:modified": ("data de modificació", "fecha de modificación", "modified"),
    "dcterms:issued": ("data de publicació", "fecha de publicación", "issued"),
    "dcterms:spatial": ("àmbit territorial", "ámbito territorial", "spatial coverage"),
    "dcterms:temporal": ("àmbit temporal", "ámbito temporal", "temporal coverage"),
    "dcterms:language": ("llengua", "idioma", "language"),
    "dcterms:license": ("llicència", "licencia", "licence"),
    "dcterms:conformsTo": ("segueix l'estàndard", "sigue el estándar", "conforms to"),
    "dcterms:bibliographicCitation": ("citació bibliogràfica", "cita bibliográfica", "bibliographic citation"),
    "dcterms:source": ("font", "fuente", "source"),
    "dcterms:subject": ("tema", "tema", "subject"),
    "dcterms:references": ("fa referència a", "hace referencia a", "references"),
    "dcterms:Agent": ("agent (DC)", "agente (DC)", "agent (DC)"),
    "dcterms:Location": ("lloc (DC)", "lugar (DC)", "location (DC)"),
    # PROV
    "prov:wasDerivedFrom": ("derivat de", "derivado de", "derived from"),
    "prov:Entity": ("entitat PROV", "entidad PROV", "PROV entity"),
    "prov:Agent": ("agent PROV", "agente PROV", "PROV agent"),
    "prov:Plan": ("pla PROV", "plan PROV", "PROV plan"),
    "prov:wasAttributedTo": ("atribuït a", "atribuido a", "attributed to"),
    "prov:generatedAtTime": ("generat el", "generado el", "generated at"),
    # GeoSPARQL
    "geo:Feature": ("element geogràfic", "elemento geográfico", "geographic feature"),
    "geo:SpatialObject": ("objecte espacial", "objeto espacial", "spatial object"),
    "geo:sfContains": ("conté (geogràficament)", "contiene (geográficamente)", "contains (geographically)"),
    "geo:sfWithin": ("és dins de (geogràficament)", "está dentro de (geográficamente)", "within (geographically)"),
    # ORG
    "org:Organization": ("organització (ORG)", "organización (ORG)", "organisation (ORG)"),
    "org:FormalOrganization": ("organització formal", "organización formal", "formal organisation"),
    "org:OrganizationalUnit": ("unitat organitzativa", "unidad organizativa", "organisational unit"),
    "org:hasMember": ("té com a membre", "tiene como miembro", "has member"),
    "org:memberOf": ("membre de", "miembro de", "member of"),
    "org:hasSubOrganization": ("té la suborganització", "tiene la suborganización", "has suborganisation"),
    "org:subOrganizationOf": ("suborganització de", "suborganización de", "suborganisation of"),
    "org:transitiveSubOrganizationOf": ("forma part de l'organització", "forma parte de la organización",
                                        "within the organisation"),
    "org:hasUnit": ("té la unitat", "tiene la unidad", "has unit"),
    "org:unitOf": ("unitat de", "unidad de", "unit of"),
    # FOAF
    "foaf:Agent": ("agent (FOAF)", "agente (FOAF)", "agent (FOAF)"),
    "foaf:Document": ("document", "documento", "document"),
    "foaf:Organization": ("organització (FOAF)", "organización (FOAF)", "organisation (FOAF)"),
    "foaf:name": ("nom (FOAF)", "nombre (FOAF)", "name (FOAF)"),
    "foaf:primaryTopic": ("tema principal", "tema principal", "primary topic"),
    "foaf:homepage": ("pàgina web", "página web", "home page"),
    "foaf:page": ("pàgina", "página", "page"),
    # DCAT
    "dcat:Dataset": ("conjunt de dades (DCAT)", "conjunto de datos (DCAT)", "dataset (DCAT)"),
    "dcat:Distribution": ("distribució", "distribución", "distribution"),
    "dcat:DataService": ("servei de dades", "servicio de datos", "data service"),
    "dcat:distribution": ("distribució", "distribución", "distribution"),
    "dcat:accessURL": ("URL d'accés", "URL de acceso", "access URL"),
    "dcat:downloadURL": ("URL de descàrrega", "URL de descarga", "download URL"),
    "dcat:mediaType": ("tipus de mitjà", "tipo de medio", "media type"),
    "dcat:compressFormat": ("format de compressió", "formato de compresión", "compression format"),
    "dcat:endpointURL": ("URL del punt d'accés", "URL del punto de acceso", "endpoint URL"),
    "dcat:endpointDescription": ("descripció del punt d'accés", "descripción del punto de acceso", "endpoint description"),
    "dcat:servesDataset": ("serveix el conjunt de dades", "sirve el conjunto de datos", "serves dataset"),
    "dcat:keyword": ("paraula clau", "palabra clave", "keyword"),
    "dcat:landingPage": ("pàgina d'inici", "página de inicio", "landing page"),
    "dcat:theme": ("tema", "tema", "theme"),
    "dcat:contactPoint": ("punt de contacte", "punto de contacto", "contact point"),
    # VoID
    "void:Dataset": ("conjunt de dades (VoID)", "conjunto de datos (VoID)", "dataset (VoID)"),
    "void:dataDump": ("bolcat de dades", "volcado de datos", "data dump"),
    "void:exampleResource": ("recurs d'exemple", "recurso de ejemplo", "example resource"),
    "void:sparqlEndpoint": ("punt d'accés SPARQL", "punto de acceso SPARQL", "SPARQL endpoint"),
    "void:uriSpace": ("espai d'IRI", "espacio de IRI", "IRI space"),
    "void:vocabulary": ("vocabulari", "vocabulario", "vocabulary"),
    "void:triples": ("triples", "tripletas", "triples"),
    "void:entities": ("entitats", "entidades", "entities"),
    "void:distinctSubjects": ("subjectes diferents", "sujetos distintos", "distinct subjects"),
    "void:distinctObjects": ("objectes diferents", "objetos distintos", "distinct objects"),
    "void:properties": ("propietats", "propiedades", "properties"),
    "void:classes": ("classes", "clases", "classes"),
    "void:classPartition": ("partició per classe", "partición por clase", "class partition"),
    "void:propertyPartition": ("partició per propietat", "partición por propiedad", "property partition"),
    "void:class": ("classe", "clase", "class"),
    "void:property": ("propietat", "propiedad", "property"),
    "void:subset": ("subconjunt", "subconjunto", "subset"),
    "void:feature": ("característica", "característica", "feature"),
    "vann:preferredNamespacePrefix": ("prefix preferit", "prefijo preferido", "preferred prefix"),
    "vann:preferredNamespaceUri": ("espai de noms preferit", "espacio de nombres preferido", "preferred namespace"),
    # The Spanish territory ontology (its own Spanish names, with ours in Catalan and English)
    "esterr:Barrio": ("barri (esterr)", "barrio (esterr)", "neighbourhood (esterr)"),
    "esterr:Comarca": ("comarca (esterr)", "comarca (esterr)", "comarca (esterr)"),
    "esterr:ComunidadAutonoma": ("comunitat autònoma (esterr)", "comunidad autónoma (esterr)", "autonomous community (esterr)"),
    "esterr:Distrito": ("districte (esterr)", "distrito (esterr)", "district (esterr)"),
    "esterr:Municipio": ("municipi (esterr)", "municipio (esterr)", "municipality (esterr)"),
    "esterr:Provincia": ("província (esterr)", "provincia (esterr)", "province (esterr)"),
    "esterr:codigoINE": ("codi INE (esterr)", "código INE (esterr)", "INE code (esterr)"),
    # schema.org
    "schema:name": ("nom (schema.org)", "nombre (schema.org)", "name (schema.org)"),
    "schema:url": ("adreça web", "dirección web", "web address"),
}

_LANG_INDEX = {"ca": 0, "es": 1, "en": 2}


def _expand(name: str) -> str | None:
    prefix, _, local = name.partition(":")
    namespace = PREFIXES.get(prefix)
    return namespace + local if namespace else None


#: full IRI -> (ca, es, en), for the prefixes this project knows
BY_IRI: dict[str, tuple[str, str, str]] = {iri: names for name, names in TERM_LABELS.items()
                                           if (iri := _expand(name)) is not None}


def term_label(iri: str, language: str) -> str | None:
    """Return our name of a reused term in ``language`` (ca, es or en), or None if we give it none."""
    names = BY_IRI.get(iri)
    if names is None or language not in _LANG_INDEX:
        return None
    return names[_LANG_INDEX[language]]
